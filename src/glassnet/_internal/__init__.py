"""Helpers shared by every part of glassnet; they import nothing else of glassnet.

- `checks`: argument validation, with one wording for every error message;
- `numbers`: the one way to print a number (`short`, `plain`, `precise`, `fixed`);
- `files`: write a file or a folder completely or not at all;
- `npz`: read an .npz archive without trusting it;
- `jsonable`: plain Python values for JSON;
- `stable`: the one stable sigmoid, softmax and cross-entropies (activations, losses, metrics);
- `tensor`: `Tensor` and `Scalar`, NumPy results with Keras's `.numpy()`.
"""
