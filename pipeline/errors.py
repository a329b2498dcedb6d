"""Specific errors raised at the boundaries. Messages name the bad value and say how to fix it."""


class ScreenError(Exception):
    """Base class of every error the pipeline raises on purpose."""


class KnowledgeFileError(ScreenError):
    """A data file (taxonomy, form labels, rubric, settings) is malformed."""


class SettingsError(ScreenError):
    """A setting or a command-line override has a bad value."""


class InputFileError(ScreenError):
    """One input file cannot be read; the batch goes on and the manifest records the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ModelNotFoundError(ScreenError):
    """A model directory or embedding model is missing or incomplete."""
