"""The lecture's backpropagation slide with numbers: dJ/dw2 and dJ/dw1 by the chain rule.

The network x -> z1 = x*w1 + b1 -> a1 = sigmoid(z1) -> ŷ = a1*w2 + b2, loss J = (ŷ - y)^2.
Run: python examples/backpropagation.py
"""

import numpy as np

import glassnet as gn

model = gn.Sequential(
    [gn.layers.Dense(1, activation="sigmoid", input_shape=(1,)), gn.layers.Dense(1)]
)
model.compile(optimizer="sgd", loss="mse")
model.set_weights([np.array([[0.8]]), np.array([-0.2]), np.array([[1.5]]), np.array([0.1])])
x, y = [2.0], 1.0

print(gn.explain.forward(model, x))
print()
print(gn.explain.gradient(model, x, y, layer=1, weight=(0, 0)))  # dJ/dw2 = dJ/dŷ · dŷ/dw2
print()
print(gn.explain.gradient(model, x, y, layer=0, weight=(0, 0)))  # dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1
print()
print(gn.explain.step(model, x, y, learning_rate=0.1))  # one step down the gradient
