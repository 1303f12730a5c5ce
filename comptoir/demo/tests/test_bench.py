"""The benchmark's generator and measures, at a tiny size, so that `make bench` cannot rot."""

import re

import pytest

from bench.generate import SLUG, Sizes, generate, read_meta
from bench.measure import measure_all
from comptoir.activities.models import Interaction
from comptoir.contacts.models import Company, ContactPoint, Person
from comptoir.lib.text import fold

LINE = re.compile(r"^[a-z_]+ p50=\d+\.\d\d p95=\d+\.\d\d$")


@pytest.mark.django_db
def test_generator_and_measures_at_a_tiny_size():
    sizes = Sizes(people=150, companies=30, interactions=1500)
    generated = generate(sizes, log=lambda line: None)
    assert not generated.reused
    assert Person.objects.filter(workspace__slug=SLUG).count() == 150
    assert Company.objects.filter(workspace__slug=SLUG).count() == 30
    assert Interaction.objects.filter(workspace__slug=SLUG).count() == 1500
    # bulk_create skips save(): the derived columns were computed by the generator.
    for person in Person.objects.all()[:20]:
        assert person.search_name == fold(
            f"{person.last_name} {person.first_name} {person.last_name}"
        )
    for row in Interaction.objects.all()[:200]:
        assert row.ends_at == row.compute_ends_at()
    phones = ContactPoint.objects.filter(kind="phone").values_list("normalized", flat=True)
    assert len(set(phones)) == len(phones)

    assert generate(sizes, log=lambda line: None).reused
    assert read_meta()["sizes"] == sizes.label()

    measures = measure_all(repeat=3, log=lambda line: None)
    names = {m.name for m in measures}
    assert {"caller_lookup", "search_name_fragment", "desk_page", "customer_page"} <= names
    for measure in measures:
        assert LINE.match(measure.line()), measure.line()
        assert len(measure.samples) == 3
        assert measure.queries > 0
