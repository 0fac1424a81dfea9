"""Helpers shared by every part of glassnet; they import nothing else of glassnet.

- `checks`: argument validation, with one wording for every error message;
- `jsonable`: plain Python values for JSON.
"""
