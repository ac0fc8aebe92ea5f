"""scheduler: staff scheduling for LSS personal assistance and support."""

__version__ = "0.1.0"
