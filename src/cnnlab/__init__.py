"""cnnlab: the helpers behind the course notebooks (data, models, shapes, optimization, plots)."""

__version__ = "0.1.0"
