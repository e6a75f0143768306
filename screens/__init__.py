"""The Textual interface of voicesgroup: the App, screens, dialogs and widgets."""
