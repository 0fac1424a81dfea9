"""The training doctor's parts: `base` (thresholds and result types), `inputs` (a
history and data read into curves and arrays) and `checks` (one function per finding).
`glassnet.diagnose` puts them together."""
