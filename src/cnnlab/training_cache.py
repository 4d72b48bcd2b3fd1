"""Trained weights and histories stored under ``build/``, keyed by everything that made them.

A training is reused only when its key matches: the model's configuration (layers, dtype
policies), its initial variables (which carry the seed), the optimizer and compile settings,
the fit settings (epochs, steps, early stopping, profile), a description of the data, and the
TensorFlow and Keras versions. Anything else changes the key and the network trains again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from cnnlab.atomic import atomic_path, write_text_atomic

KEY_VERSION = 1
WEIGHTS_FILE = "weights.npz"
RECORD_FILE = "record.json"


@dataclass(frozen=True)
class TrainingRun:
    """What a training produced: its per-epoch history and timing, and whether it was reused."""

    history: dict[str, list[float]]
    seconds_per_epoch: list[float]
    key: str = ""
    reused: bool = False
    trained_at: str = ""

    @property
    def mean_seconds_per_epoch(self) -> float:
        """The average wall time of one epoch, as measured when it trained."""
        return float(np.mean(self.seconds_per_epoch)) if self.seconds_per_epoch else 0.0


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready data; a callable is described by its source code."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"array": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()}
    if hasattr(value, "item") and not callable(value):
        return value.item()
    if callable(value):
        # A library function is described by its whole module, so a change to a helper it
        # calls counts; one defined in a notebook, by its own source.
        module = inspect.getmodule(value)
        for source_of in (module, value):
            try:
                if source_of is not None and getattr(source_of, "__name__", "") != "__main__":
                    return {"source": inspect.getsource(source_of)}
            except (OSError, TypeError):  # a builtin or a C function: its name is all
                continue
        return {"callable": getattr(value, "__qualname__", repr(value))}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


AUTOMATIC_NUMBER = re.compile(r"^([a-z][a-z0-9_]*?)_\d+$")


def _numbered_names(text: str, model: keras.Model) -> str:
    """``text`` with the names Keras numbers automatically (``dense_7``, ``adam_3``: they count
    the objects built before) replaced by their place in ``model``; any other name ending in
    ``_<number>`` (a Sequential model's input layer) loses the number."""
    names = [model.name, model.optimizer.name, *(layer.name for layer in model.layers)]
    renames = {name: f"<object {i}>" for i, name in enumerate(names)}

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        return json.dumps(renames.get(name) or AUTOMATIC_NUMBER.sub(r"\1", name))

    return re.sub(r'"([^"\\]*)"', rename, text)


def _variables_digest(model: keras.Model) -> str:
    """A digest of every variable's value: weights, and the seed states of dropout layers."""
    digest = hashlib.sha256()
    for variable in model.variables:  # by position: their paths carry automatic layer names
        value = np.ascontiguousarray(variable.numpy())
        digest.update(f"{value.dtype}:{value.shape}\n".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


def training_key(model: keras.Model, fit_settings: Mapping[str, Any], data: Any) -> str:
    """The key of training the compiled, untrained ``model`` with these settings on ``data``."""
    import tensorflow as tf

    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model before training it (model.compile(...))")
    ingredients = {
        "version": KEY_VERSION,
        "model": json.loads(model.to_json()),
        "initial_variables": _variables_digest(model),
        "optimizer": keras.saving.serialize_keras_object(model.optimizer),
        "compile": model.get_compile_config(),
        "fit": fit_settings,
        "data": data,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }
    text = _numbered_names(json.dumps(_plain(ingredients), sort_keys=True), model)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TrainingCache:
    """A folder of finished trainings, one sub-folder per key; ``retrain`` ignores (and
    overwrites) what is stored."""

    folder: Path
    retrain: bool = False

    def entry(self, name: str, key: str) -> Path:
        """The folder that holds training ``name`` under ``key``."""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "training"
        return self.folder / f"{safe}-{key[:16]}"

    def load(self, model: keras.Model, name: str, key: str) -> TrainingRun | None:
        """Set ``model``'s weights from the stored training and return its record, or None.

        Only the weights come back, not the optimizer's state (step count, moments) nor the
        seed states of random layers: a reused model is for evaluation, not for more training.
        """
        entry = self.entry(name, key)
        if self.retrain or not (entry / RECORD_FILE).is_file():
            return None
        try:
            record = json.loads((entry / RECORD_FILE).read_text())
            if record.get("key") != key:
                return None
            run = TrainingRun(
                history=record["history"],
                seconds_per_epoch=record["seconds_per_epoch"],
                key=key,
                reused=True,
                trained_at=record.get("trained_at", ""),
            )
            with np.load(entry / WEIGHTS_FILE) as stored:
                weights = [stored[f"w{i}"] for i in range(len(stored.files))]
            # Last, and all at once: a damaged entry leaves the model as it was built.
            model.set_weights(weights)
        except Exception:  # noqa: BLE001  (damaged, truncated or another layout: train again)
            return None
        return run

    def store(self, model: keras.Model, name: str, run: TrainingRun) -> None:
        """Store ``model``'s trained weights and ``run``'s record under its key, atomically."""
        entry = self.entry(name, run.key)
        try:
            with atomic_path(entry, directory=True) as tmp:
                with open(tmp / WEIGHTS_FILE, "wb") as handle:
                    np.savez(handle, **{f"w{i}": w for i, w in enumerate(model.get_weights())})
                record = asdict(run) | {"name": name, "reused": False}
                write_text_atomic(tmp / RECORD_FILE, json.dumps(record, indent=1) + "\n")
        except OSError:
            # Another writer of the same key swapped its (equivalent) entry in meanwhile.
            if not (entry / RECORD_FILE).is_file():
                raise


def now() -> str:
    """The current UTC time, to the second, for a training's record."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
