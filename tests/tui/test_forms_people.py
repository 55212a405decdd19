"""People in choosers: name and role shown, a value the services read as that person alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bct_risk.tui.widgets.form import person_choices, person_label, plain_words


@dataclass
class Someone:
    id: int
    name: str
    job_title: str = ""
    key: str | None = None
    login: str | None = None
    left_on: date | None = None


def test_two_people_of_one_name_are_told_apart_and_named_by_key() -> None:
    everyone = [
        Someone(1, "Andy Couldrick", "Chair", key="chair"),
        Someone(2, "Andy Couldrick", "Chief Executive (2018-2021)", key="ceo_2018"),
        Someone(3, "Director of Finance and Resources", "Director of Finance and Resources"),
    ]
    assert person_choices(everyone) == [
        ("Andy Couldrick — Chair", "chair"),
        ("Andy Couldrick — Chief Executive (2018-2021)", "ceo_2018"),
        ("Director of Finance and Resources", "Director of Finance and Resources"),
    ]


def test_without_a_key_the_role_names_them_and_nobody_is_offered_ambiguously() -> None:
    everyone = [
        Someone(1, "Sam Patel", "Head of Finance"),
        Someone(2, "Sam Patel", "Head of Placements"),
        Someone(3, "Jo Reed", "Analyst"),
        Someone(4, "Jo Reed", "Analyst"),
    ]
    # The two Jo Reeds share name and role: no text names either alone, so neither is offered
    # (choosing one would be refused as "could mean").
    assert person_choices(everyone) == [
        ("Sam Patel — Head of Finance", "Head of Finance"),
        ("Sam Patel — Head of Placements", "Head of Placements"),
    ]
    assert person_label(Someone(5, "Ola Ade")) == "Ola Ade"


def test_a_field_is_named_as_the_form_names_it() -> None:
    labels = {"review_frequency_days": "review interval (days)"}
    message = "review_frequency_days: Input should be greater than 0; target_date: Field required"
    assert plain_words(message, labels) == (
        "review interval (days): must be more than 0; target date: is required"
    )
