"""cnnlab: the helpers behind the course notebooks (data, models, shapes, optimisation, plots)."""

__version__ = "0.1.0"
