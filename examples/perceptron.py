"""The lecture's perceptron: two weight settings, one explained output, then learning.

Run: python examples/perceptron.py
"""

import glassnet as gn

x, y = gn.datasets.lecture_groups()  # the lecture's 12 points: group 1, then group 0

# "Some random weights": 9 of 12 points right, as on the slides.
p = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign")
print("accuracy with w1 = 0.75, w2 = -0.5, w_bias = 1:", p.score(x, y))
print(gn.explain.perceptron(p, x[0]))  # z = 2.0 > 0 so sign gives 1

# "Updated weights": every point right.
p = gn.Perceptron(weights=[3, -2], bias_weight=-1, activation="sign")
print("\naccuracy with w1 = 3, w2 = -2, w_bias = -1:", p.score(x, y))

# Or let the perceptron learning rule find weights, and show each update it made.
learner = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign")
learner.fit(x, y, epochs=100, learning_rate=0.1)
print()
print(gn.explain.perceptron_training(learner))
