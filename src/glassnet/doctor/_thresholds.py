"""The doctor's thresholds: each number decides when a curve "shows" something.

They are chosen so that the noise of a healthy mini-batch run (an epoch's mean loss moves
by a few percent) never triggers a finding, while the lecture's failure modes always do.
`gn.doctor.X` reaches each of them.
"""

__all__ = [
    "ACCURACY_DROP",
    "DEFAULT_LEARNING_RATES",
    "FAR_FROM_USUAL",
    "FAST_FALL",
    "FEATURE_SCALE_RATIO",
    "HUGE_LOSS_FACTOR",
    "LOSS_RISE_MATERIAL",
    "LOSS_RISE_RATIO",
    "MATERIAL_RISE",
    "MAX_CLASSES",
    "MIN_EPOCHS_FOR_TRENDS",
    "NOISE_FACTOR",
    "OSCILLATION_FRACTION",
    "OSCILLATION_STEP",
    "OVERFIT_MIN_EPOCHS_AFTER_BEST",
    "OVERFIT_TRAIN_FALL",
    "OVERFIT_VAL_RISE",
    "SAMPLE_ROWS",
    "SLOW_LEARNING_RATE",
    "SLOW_TOTAL_FALL",
    "STEADY_FALL_RATIO",
    "STILL_FALLING",
    "STRONG_IMBALANCE_RATIO",
    "TREND_WINDOW",
    "UNDERFIT_PROGRESS",
    "UNSCALED_MAGNITUDE",
    "USUAL_LEARNING_RATES",
    "VALIDATION_MIX_DISTANCE",
    "VAL_OSCILLATION_FRACTION",
]

# With fewer epochs a curve has no shape: one step can't tell a trend from noise.
MIN_EPOCHS_FOR_TRENDS = 3

# Noise. A curve's noise is the robust standard deviation of its epoch-to-epoch wiggle
# around its own trend (the median absolute second difference / 1.65, over its later
# two thirds). A rise counts only when it is NOISE_FACTOR times that: dropout and small
# batches make a healthy curve wiggle, and the lowest epoch of a wiggling curve sits about
# 1.5 noise below its trend by luck alone.
NOISE_FACTOR = 3.0
# ... and when it is material: the validation loss back up by at least 5 % of how far it
# fell to its best (a rise of 0.001 after a fall from 0.9 to 0.019 is no overfitting) ...
MATERIAL_RISE = 0.05
# ... the training loss by at least 25 % (a rise of 0.02 after a fall from 1.1 to 0.06,
# or a two-epoch bump after a lucky low, is no overshoot).
LOSS_RISE_MATERIAL = 0.25

# Learning rates. The usual range of each optimizer (lowest, highest), with its default
# (Keras's) inside: SGD 0.01, the others 0.001. "Far" from it means FAR_FROM_USUAL
# times beyond either end: Adam above 0.05 or below 2e-5, SGD above 5 or below 2e-4. Such
# a learning rate is named as the cause of the curve it makes (a collapse to chance,
# a loss that barely moves), before that curve's own finding.
USUAL_LEARNING_RATES = {
    "sgd": (1e-3, 1.0),
    "adam": (1e-4, 1e-2),
    "adamw": (1e-4, 1e-2),
    "rmsprop": (1e-4, 1e-2),
    "adagrad": (1e-4, 1e-1),
}
DEFAULT_LEARNING_RATES = {
    "sgd": 0.01,
    "adam": 0.001,
    "adamw": 0.001,
    "rmsprop": 0.001,
    "adagrad": 0.001,
}
FAR_FROM_USUAL = 5.0
# A cross-entropy 10x the loss of guessing the class mix (ln 10 = 2.3 for ten balanced
# classes, ln 2 = 0.69 for two) means the weights blew up: a softmax network starts near
# that loss, and only huge weights make it larger.
HUGE_LOSS_FACTOR = 10.0

# Learning rate too high.
# A training loss ending 20 % above its best epoch is no noise: with a sane learning
# rate the training loss of a fixed data set only goes down, give or take a few %.
LOSS_RISE_RATIO = 1.2
# A loss that moves by more than 5 % in one epoch makes a "big step" ...
OSCILLATION_STEP = 0.05
# ... and when the big steps change direction (down, up, down, ...) in at least 30 % of
# the epochs, the training loss is bouncing, not descending. A healthy run has an
# occasional small rise; an overfitting validation curve turns once (down, then up).
OSCILLATION_FRACTION = 0.3
# The validation loss, computed on a smaller set, is noisier: half of the epochs.
VAL_OSCILLATION_FRACTION = 0.5
# Training accuracy 10 points below its best epoch: with a sane learning rate the
# accuracy on the training set creeps up (dropout noise moves it by a point or two);
# losing 10 points means the steps destroy what was learned.
ACCURACY_DROP = 0.10

# Overfitting.
# Validation loss at the end at least 5 % above its minimum: beyond epoch-to-epoch noise.
OVERFIT_VAL_RISE = 0.05
# ... for at least 2 epochs after the best (a single bad epoch is noise) ...
OVERFIT_MIN_EPOCHS_AFTER_BEST = 2
# ... while the training loss kept falling, by at least 2 % after the best epoch:
# the network keeps fitting the training set and loses the validation set.
OVERFIT_TRAIN_FALL = 0.02

# Not converged ("still improving"). Trends are read over the last TREND_WINDOW epochs
# (fewer on short runs).
TREND_WINDOW = 5
# The loss fell in every one of those epochs, by 1 % of its value per epoch or more ...
STILL_FALLING = 0.01
# ... or by at least 30 % of the pace of the first epochs: a converging curve flattens
# (its late steps are a small fraction of its early ones), a slow one does not.
STEADY_FALL_RATIO = 0.3
# "Very slow": a learning rate at or below 1e-4 (Adam's default is 1e-3; the lecture's
# 1e-5 run barely moves in 10 epochs) ...
SLOW_LEARNING_RATE = 1e-4
# ... or a curve that falls without flattening but lost less than 25 % of its first
# epoch's loss over the whole run: the optimizer takes uniformly tiny steps.
SLOW_TOTAL_FALL = 0.25

# A curve still falling by 10 % of its fall so far per epoch at the end, or without
# flattening (STEADY_FALL_RATIO), is far from done: a warning. One that flattens is a tip.
FAST_FALL = 0.1

# Underfitting: the final training accuracy covered less than a quarter of the way from
# the majority-class baseline to 100 % (0.625 on a balanced binary task, 0.325 on ten
# balanced classes): the network is doing little better than guessing the common class.
UNDERFIT_PROGRESS = 0.25

# Unscaled inputs. With Glorot weights a unit's pre-activation has about the scale of its
# inputs: features whose typical magnitude (root mean square) is above 10 saturate
# sigmoid / tanh and give the first layer large gradients (0-255 pixels: about 70-100).
UNSCALED_MAGNITUDE = 10.0
# Features whose magnitudes differ more than 100x (age in years beside income in
# euros) share one learning rate that can't suit both; checked when some feature is > 1.
FEATURE_SCALE_RATIO = 100.0

# Imbalanced data. With an accuracy near the baseline, any imbalance the metrics flag
# (the largest class twice the smallest); with a good accuracy, a mix of 80/20 or more
# (4x), where the accuracy alone misleads (95 % by always saying the larger class).
STRONG_IMBALANCE_RATIO = 4.0

# Validation class mix: the total variation distance between the training and the
# validation class proportions (the fraction of samples that would have to change class
# to make them equal). A shuffled split of a few hundred samples moves it by a few
# points; 0.3 happens with an unshuffled split of sorted data (Keras's validation_split
# takes the LAST rows) or a filtered one.
VALIDATION_MIX_DISTANCE = 0.3

# Labels with more distinct values than this are taken as regression targets.
MAX_CLASSES = 100
# Unscaled-input statistics are computed on at most this many rows (evenly spaced).
SAMPLE_ROWS = 5_000
