"""The self-assessment as data: statements, dimensions, and the words shown with a result.

The coach can change wording here without touching views or scoring. Any change
to what a statement means, its keying or its dimension must come with a new
version string (and the old instrument kept in `INSTRUMENTS`), so that answers
stored under the old version can still be read and explained.

The statements are written for this site. They draw on the ideas in the source
texts (a job pays the bills now; a career is built, chosen and grown over time)
and on the job / career / calling distinction in the work-orientation research,
but they are not items from any published scale.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The five answers every statement offers, as (stored value, label).
SCALE: tuple[tuple[int, str], ...] = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)

#: The overall orientations, from the job end to the career end.
ORIENTATIONS: tuple[str, ...] = ("job", "between", "career")

ORIENTATION_LABELS: dict[str, str] = {
    "job": "Job-oriented",
    "between": "In between",
    "career": "Career-oriented",
}


@dataclass(frozen=True)
class Item:
    """One statement. `keyed` says which end agreeing points to."""

    id: str
    dimension: str
    text: str
    keyed: str  # "career": agreeing points to a career; "job": reverse-scored

    @property
    def reverse(self) -> bool:
        return self.keyed == "job"


@dataclass(frozen=True)
class Dimension:
    """One aspect of work orientation, with what each leaning means in plain words."""

    id: str
    name: str
    readings: dict[str, str]  # leaning ("job", "between", "career") -> explanation


@dataclass(frozen=True)
class Profile:
    """What an overall orientation means, and what to try next."""

    summary: str
    next_steps: tuple[str, ...]


@dataclass(frozen=True)
class Instrument:
    version: str
    title: str
    items: tuple[Item, ...]
    dimensions: tuple[Dimension, ...]
    profiles: dict[str, Profile]

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def dimension(self, dimension_id: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "pay",
        "Pay and necessity",
        {
            "job": "Pay and security are the main reasons you work. That is a sound reason, "
            "and worth naming: it tells you what any change has to protect.",
            "between": "Money matters to you, but it is not the whole story. You weigh pay "
            "against other things your work gives you.",
            "career": "You would give up some pay for work that suits you. Money is a means "
            "for you, not the point.",
        },
    ),
    Dimension(
        "horizon",
        "Time horizon",
        {
            "job": "You mostly think about work in the here and now. That can be restful, "
            "but it often means the next move is decided for you rather than by you.",
            "between": "You look ahead now and then, without a firm picture yet of where "
            "you are heading.",
            "career": "You have a sense of where you want to be in a few years and see "
            "today's work as a step towards it.",
        },
    ),
    Dimension(
        "advancement",
        "Advancement and growth",
        {
            "job": "Moving up is not a priority for you at the moment; steadiness is.",
            "between": "You are open to more responsibility but not actively looking for it.",
            "career": "You look for chances to grow into bigger roles and take them.",
        },
    ),
    Dimension(
        "learning",
        "Investment in learning",
        {
            "job": "You learn new things for work when the job asks for it, rather than on "
            "your own initiative.",
            "between": "You learn when something catches your interest or is needed, though "
            "not as a habit.",
            "career": "You put your own time into getting better at what you do.",
        },
    ),
    Dimension(
        "identity",
        "Identity and ownership",
        {
            "job": "Your work sits apart from who you are; your sense of self comes from "
            "other parts of your life.",
            "between": "Work is part of who you are, but not the centre of it.",
            "career": "You see your working life as something you own and are building, "
            "not something that simply happens to you.",
        },
    ),
    Dimension(
        "meaning",
        "Satisfaction and meaning",
        {
            "job": "At the moment your work gives you little beyond the pay. That is worth "
            "noticing: it is often the first sign that something wants to change.",
            "between": "Your work is satisfying at times and a slog at others.",
            "career": "Most weeks your work gives you a sense of purpose and of getting "
            "somewhere.",
        },
    ),
)

# Each dimension has one statement keyed each way, so that someone who simply
# agrees with everything lands in the middle rather than at one end.
ITEMS: tuple[Item, ...] = (
    Item("pay_reason", "pay", "The main reason I do this work is the money it brings in.", "job"),
    Item(
        "horizon_picture",
        "horizon",
        "I can picture where I would like my working life to be in five years' time.",
        "career",
    ),
    Item(
        "learning_own_time",
        "learning",
        "In the past year I have spent my own time or money learning something for my work.",
        "career",
    ),
    Item(
        "meaning_clock",
        "meaning",
        "On most working days I watch the clock, waiting for the day to end.",
        "job",
    ),
    Item(
        "advancement_content",
        "advancement",
        "I am happy to stay at the level I am at now, as long as the work is steady.",
        "job",
    ),
    Item(
        "identity_building",
        "identity",
        "I think of my working life as something I am building, not just a series of jobs.",
        "career",
    ),
    Item(
        "pay_trade",
        "pay",
        "I would choose work in my field even if another kind of job paid a little more.",
        "career",
    ),
    Item(
        "horizon_months",
        "horizon",
        "I rarely think about my work beyond the next few months.",
        "job",
    ),
    Item(
        "advancement_seek",
        "advancement",
        "I look out for chances to take on more responsibility.",
        "career",
    ),
    Item(
        "learning_required",
        "learning",
        "I only learn new skills for work when my employer requires it.",
        "job",
    ),
    Item(
        "meaning_accomplish",
        "meaning",
        "Most weeks my work gives me something I value beyond the pay.",
        "career",
    ),
    Item("identity_apart", "identity", "My work is what I do, not who I am.", "job"),
)

PROFILES: dict[str, Profile] = {
    "job": Profile(
        "Right now your work is mainly a job: a way to pay for the rest of your life. "
        "Nothing is wrong with that, and many people choose it on purpose. The useful "
        "question is whether it is still the choice you want.",
        (
            "Write down the three things your work must keep giving you (such as pay, "
            "hours or security) before you weigh up any change.",
            "Pick one thing you would enjoy doing more of and give it one hour this month, "
            "just to see how it feels.",
        ),
    ),
    "between": Profile(
        "You are somewhere between a job and a career: some parts of your work matter to "
        "you beyond the pay, others do not yet.",
        (
            "Pick the area of your result that leans most towards a job and ask what one "
            "small change would move it.",
            "Talk to someone who does the work you might like to do next and ask how they "
            "got there.",
        ),
    ),
    "career": Profile(
        "You treat your work as a career: something you are building over time, not only a "
        "way to earn a living.",
        (
            "Write down where you want to be in three years, and the one step this quarter "
            "that would bring you closest.",
            "Check that your ambitions still fit the rest of your life (rest, family, "
            "health): careers last longer when they do.",
        ),
    ),
}

INSTRUMENT = Instrument(
    version="2026-11.1",
    title="Is your work a job or a career?",
    items=ITEMS,
    dimensions=DIMENSIONS,
    profiles=PROFILES,
)

#: Every version whose stored answers may still be shown, by version string.
INSTRUMENTS: dict[str, Instrument] = {INSTRUMENT.version: INSTRUMENT}


def get_instrument(version: str | None = None) -> Instrument:
    """Return the instrument of `version`, or the current one."""
    if version is None:
        return INSTRUMENT
    return INSTRUMENTS.get(version, INSTRUMENT)
