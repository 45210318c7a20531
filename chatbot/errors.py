"""The project's errors. They become user-facing messages only in the CLI and the UI."""


class ChatbotError(Exception):
    """Base of every error the user should see as a message, not a traceback."""


class ConfigError(ChatbotError):
    """A setting is invalid or names something that does not exist."""


class ProvisionError(ChatbotError):
    """A model could not be provisioned (download, size or hash mismatch)."""


class ModelError(ChatbotError):
    """A GGUF model is missing, corrupt, not a chat model, or cannot hold the prompt."""


class IngestError(ChatbotError):
    """A document could not be read or indexed."""


class IndexMismatchError(ChatbotError):
    """The index was built with another embedding model."""


class InputError(ChatbotError):
    """A question or request is empty, too long or malformed."""


class StoreError(ChatbotError):
    """The vector store (a Chroma server) cannot be reached or refused a request."""
