"""bct-risk: strategic risk register and governance tracker for Birmingham Children's Trust."""

__version__ = "0.1.0"
