"""voicesgroup: the core of a calm app for peer-run hearing voices and beliefs groups.

Nothing in this package imports Textual; the interface lives in `screens/`.
"""

__version__ = "0.1.0"
