"""Sub-commands of the `glassnet` command line, one module each (see `glassnet.cli`)."""
