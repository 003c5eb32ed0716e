"""The Textual workbench: screens, dialogs and widgets over the Project API."""
