"""The registry: each data set defined once, and every form it names has a way to be fetched."""

from cnnlab import data
from cnnlab.data import cli, registry


def test_each_entry_is_filed_under_its_name_and_target():
    assert data.REGISTRY == {"brain_tumor": data.BRAIN_TUMOR, "cifar10": data.CIFAR10}
    targets = [spec.target for spec in data.REGISTRY.values()]
    assert all(targets) and len(set(targets)) == len(targets)


def test_the_entries_hold_classes_image_size_sources_and_fingerprints():
    brain, cifar = data.BRAIN_TUMOR, data.CIFAR10
    assert (brain.form, brain.classes, brain.image_size) == (
        "class folders",
        ("no", "yes"),
        (256, 256),
    )
    assert brain.per_class == {"": 1500} and brain.drive_id and brain.github_archive
    assert (cifar.form, cifar.classes, cifar.image_size) == (
        "arrays",
        data.CIFAR10_CLASSES,
        (32, 32),
    )
    assert data.CIFAR10_SHAPE == (*cifar.image_size, 3)
    for spec in data.REGISTRY.values():
        assert len(spec.sha256) == len(spec.fingerprint) == 64


def test_every_form_can_be_fetched_and_verified():
    forms = set(registry.Form.__args__)
    assert {spec.form for spec in data.REGISTRY.values()} <= forms
    assert set(cli._FETCH) == set(cli._FINGERPRINT) == forms
