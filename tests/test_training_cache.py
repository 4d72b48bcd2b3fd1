"""The training cache: every ingredient of the key counts, and a hit is the training it stored."""

import threading

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnlab import training, training_cache
from cnnlab.profiles import PROFILES, Profile
from cnnlab.training_cache import TrainingCache

FEW = Profile("few", max_epochs=2, steps_per_epoch=None)
DATA = {"set": "random", "seed": 0}


def batches(seed: int = 0) -> tf.data.Dataset:
    rng = np.random.default_rng(seed)
    x = rng.random((32, 4), dtype=np.float32)
    return tf.data.Dataset.from_tensor_slices((x, x.sum(axis=1, keepdims=True))).batch(8)


def compiled(seed=0, units=3, rate=0.01, loss="mse", policy="float32", extra_layer=False):
    keras.utils.set_random_seed(seed)
    with training.precision_policy(policy):
        layers = [keras.Input((4,)), keras.layers.Dense(units, activation="relu")]
        layers += [keras.layers.Dense(units)] if extra_layer else []
        model = keras.Sequential([*layers, keras.layers.Dense(1, dtype="float32")])
    model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss)
    return model


def key_of(model=None, profile=FEW, data=DATA, patience=None):
    model = model or compiled()
    settings = {
        "epochs": profile.epochs(5),
        "steps_per_epoch": profile.steps_per_epoch,
        "patience": patience,
        "profile": profile.name,
        "validation": True,
    }
    return training_cache.training_key(model, settings, data)


BASE = key_of()


@pytest.mark.parametrize(
    "changed",
    [
        {"model": compiled(units=4)},  # the architecture
        {"model": compiled(extra_layer=True)},
        {"model": compiled(seed=1)},  # the initial weights, i.e. the seed
        {"model": compiled(rate=0.02)},  # the optimizer
        {"model": compiled(loss="mae")},  # the compile settings
        {"model": compiled(policy="mixed_bfloat16")},  # the precision
        {"profile": PROFILES["smoke"]},  # the budget and the profile
        {"profile": Profile("other", max_epochs=2, steps_per_epoch=None)},  # the name alone
        {"patience": 3},  # early stopping
        {"data": {"set": "random", "seed": 1}},  # the data
        {"data": {"set": "random", "seed": 0, "pipeline": lambda x: x + 1}},  # its code
    ],
    ids=lambda changed: next(iter(changed)),
)
def test_each_ingredient_changed_alone_changes_the_key(changed):
    assert key_of(**changed) != BASE


def test_the_same_training_has_the_same_key_whatever_was_built_before():
    compiled(units=7)  # Keras numbers automatic layer names: the next model's are dense_2, ...
    assert key_of() == BASE


@pytest.mark.parametrize("package", [tf, keras])
def test_the_library_versions_are_in_the_key(monkeypatch, package):
    monkeypatch.setattr(package, "__version__", "0.0.1")
    assert key_of() != BASE


def test_an_uncompiled_model_is_a_clear_error():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compile the model"):
        training_cache.training_key(model, {}, DATA)


def fit(model, cache, name="net", data=DATA):
    return training.fit(model, batches(), batches(1), 5, FEW, cache=cache, name=name, data=data)


def test_a_hit_restores_the_trained_network_and_its_history(tmp_path, capsys):
    cache = TrainingCache(tmp_path)
    first_model = compiled()
    first = fit(first_model, cache)
    assert not first.reused and "training (key" in capsys.readouterr().out
    second_model = compiled()
    second = fit(second_model, cache)
    out = capsys.readouterr().out
    assert second.reused and "reused the training stored on" in out
    assert out.count("epoch ") == 2  # the recorded epochs, printed as when it trained
    assert second.history == first.history
    assert second.seconds_per_epoch == first.seconds_per_epoch
    x = np.random.default_rng(5).random((16, 4), dtype=np.float32)
    np.testing.assert_array_equal(second_model.predict(x, verbose=0), first_model.predict(x))


def test_retrain_ignores_and_replaces_what_is_stored(tmp_path):
    fit(compiled(), TrainingCache(tmp_path))
    again = fit(compiled(), TrainingCache(tmp_path, retrain=True))
    assert not again.reused
    assert fit(compiled(), TrainingCache(tmp_path)).reused


@pytest.mark.parametrize(
    ("damaged", "content"),
    [
        (training_cache.WEIGHTS_FILE, b"not an npz"),
        (training_cache.WEIGHTS_FILE, b"PK\x03\x04 a truncated zip"),
        (training_cache.RECORD_FILE, b'{"key": "wrong"}'),
        (training_cache.RECORD_FILE, b"{not json"),
    ],
)
def test_a_damaged_entry_is_trained_again_from_the_initial_weights(tmp_path, damaged, content):
    cache = TrainingCache(tmp_path)
    first = fit(compiled(), cache)
    entry = cache.entry("net", first.key)
    if damaged == training_cache.RECORD_FILE and b"wrong" in content:
        # A record without its history, but with the right key: the weights must not load.
        content = f'{{"key": "{first.key}"}}'.encode()
    (entry / damaged).write_bytes(content)
    again = fit(compiled(), cache)
    assert not again.reused and again.history == first.history  # same start, same result


def test_a_cached_training_needs_its_data_described_and_no_hidden_callbacks(tmp_path):
    cache = TrainingCache(tmp_path)
    with pytest.raises(ValueError, match="needs data="):
        training.fit(compiled(), batches(), None, 5, FEW, cache=cache, name="net")
    with pytest.raises(ValueError, match="no extra callbacks"):
        training.fit(
            compiled(),
            batches(),
            None,
            5,
            FEW,
            cache=cache,
            data=DATA,
            callbacks=[keras.callbacks.TerminateOnNaN()],
        )


def test_two_writers_of_one_key_leave_one_whole_entry(tmp_path):
    cache = TrainingCache(tmp_path)
    model = compiled()
    run = fit(model, None)  # no cache: trains and stores nothing
    assert not list(tmp_path.iterdir())
    run = training_cache.TrainingRun(run.history, run.seconds_per_epoch, key="k" * 64)
    failures = []

    def store():
        try:
            cache.store(model, "net", run)
        except Exception as exc:  # noqa: BLE001  (collected: a thread's error is otherwise lost)
            failures.append(exc)

    writers = [threading.Thread(target=store) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert failures == []
    assert [p.name for p in tmp_path.iterdir()] == [cache.entry("net", run.key).name]
    assert cache.load(compiled(), "net", run.key).history == run.history
