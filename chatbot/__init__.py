"""chatbot: a local, offline, French retrieval-augmented chatbot grounded in your documents."""

__version__ = "0.1.0"
