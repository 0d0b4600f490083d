"""A reproducible, made-up knowledge base in the import format, for measuring at scale.

Every word comes from the lists below (our own), combined by a seeded random generator, so the
same N and seed always give the same file.
"""

import datetime
import io
import json
import random
from collections.abc import Sequence
from pathlib import Path

from django.utils.text import slugify
from PIL import Image, ImageDraw

SPECIALTIES = [
    ("Orthopedics", "Orthopedic Surgery"),
    ("Sports Medicine", "Sports Medicine"),
    ("Rheumatology", "Rheumatology"),
    ("Neurology", "Neurology"),
    ("Physical Therapy", "Physical Medicine and Rehabilitation"),
    ("Vascular Medicine", "Vascular Surgery"),
    ("Sleep Medicine", "Sleep Medicine"),
    ("Family Medicine", "Family Medicine"),
]
REGIONS = [
    "knee", "hip", "ankle", "shoulder", "lower back", "neck", "wrist", "elbow", "foot", "calf",
    "thigh", "heel", "hamstring", "groin", "shin",
]  # fmt: skip
SYMPTOMS = [
    "pain", "stiffness", "swelling", "numbness", "tingling", "cramps", "weakness", "aching",
    "clicking", "soreness",
]  # fmt: skip
CONTEXTS = [
    "when walking", "at night", "after running", "in the morning", "when sitting",
    "during pregnancy", "when climbing stairs", "after a long day", "in cold weather",
    "when lifting",
]  # fmt: skip
CONDITIONS = [
    "tendinitis", "bursitis", "a sprain", "a muscle strain", "osteoarthritis",
    "nerve compression", "an overuse injury", "poor circulation", "a stress reaction",
]  # fmt: skip
TIPS = [
    "Rest the area for a day or two, then return to gentle movement.",
    "Apply a cold pack for 15 minutes at a time during the first 48 hours.",
    "Stretch slowly and stop before the stretch becomes painful.",
    "Wear supportive, well-fitting shoes for walking and exercise.",
    "Build up activity by no more than about a tenth each week.",
    "Keep a pillow between the knees when you sleep on your side.",
    "Drink enough water through the day, especially around exercise.",
    "Strengthen the muscles around the joint with simple exercises.",
    "Take short breaks to move if you sit for long periods.",
    "Warm up for five to ten minutes before sport.",
]  # fmt: skip
WARNING_SIGNS = [
    "sudden, severe pain", "a joint that looks out of shape", "fever with a red, hot area",
    "swelling in one calf", "numbness that spreads", "pain after a fall or injury",
]  # fmt: skip
FIRST_NAMES = ["Ava", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas",
               "Kira", "Leo", "Maya", "Noah", "Omar", "Priya"]  # fmt: skip
LAST_NAMES = ["Adler", "Brooks", "Chen", "Duarte", "Evans", "Fischer", "Gupta", "Hale", "Ito",
              "Jensen", "Khan", "Lopez", "Moreau", "Nakamura", "Okafor", "Price"]  # fmt: skip
CREDENTIALS = ["MD", "DO", "MD, PhD", "MD, FACP", "DPT", "MD, MPH"]
PUBLISHERS = [
    ("MedlinePlus", "https://medlineplus.gov/"),
    ("National Institutes of Health", "https://www.nih.gov/"),
    ("World Health Organization", "https://www.who.int/"),
]
SECTION_HEADINGS = [
    "Why {region} {symptom} happens",
    "Common causes",
    "What helps at home",
    "Tips for {region} {symptom} {context}",
    "When to see a doctor",
]


# Generated hero images: a common size for an article's lead picture, as a camera's JPEG.
HERO_SIZE = (1200, 675)
HERO_QUALITY = 90


def generate(count, *, seed=0):
    """Yield `count` articles (dicts in the import format), the same ones for the same seed.
    Each names a hero image `images/<slug>.jpg`; `write_jsonl` writes the files."""
    rng = random.Random(seed)
    reviewers = _people(rng, 12, reviewers=True)
    authors = _authors(rng, 8, besides={reviewer["name"] for reviewer in reviewers})
    plans = [_plan(rng, number) for number in range(count)]
    slugs = [plan["slug"] for plan in plans]
    for number, plan in enumerate(plans):
        yield _article(rng, plan, _Others(slugs, number), reviewers, authors)


class _Others(Sequence):
    """Every slug but one, for sampling without copying the whole list each time."""

    def __init__(self, slugs, skip):
        self.slugs, self.skip = slugs, skip

    def __len__(self):
        return len(self.slugs) - 1

    def __getitem__(self, index):
        return self.slugs[index + (index >= self.skip)]


def _authors(rng, count, *, besides):
    """Writers' names, none a reviewer's: the import refuses an article its author reviewed."""
    authors = []
    while len(authors) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in besides:
            authors.append(name)
    return authors


def _people(rng, count, *, reviewers):
    people, seen = [], set()
    while len(people) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name in seen:
            continue
        seen.add(name)
        tag, specialty = rng.choice(SPECIALTIES)
        people.append(
            {
                "name": name,
                "slug": slugify(name),
                "credentials": rng.choice(CREDENTIALS),
                "specialty": specialty,
                "tag": tag,
            }
        )
    return people


def _plan(rng, number):
    region, symptom, context = rng.choice(REGIONS), rng.choice(SYMPTOMS), rng.choice(CONTEXTS)
    title = f"{region.capitalize()} {symptom} {context}: causes and relief"
    return {
        "title": title,
        "slug": f"{slugify(title)}-{number}",
        "region": region,
        "symptom": symptom,
        "context": context,
    }


def _article(rng, plan, others, reviewers, authors):
    reviewer = rng.choice(reviewers)
    words = {key: plan[key] for key in ("region", "symptom", "context")}
    linked = rng.sample(others, k=min(len(others), rng.choice([1, 2])))
    sections = [
        {"heading": heading.format(**words), "body": _body(rng, words, index, linked)}
        for index, heading in enumerate(SECTION_HEADINGS)
    ]
    published = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        minutes=rng.randrange(0, 3 * 365 * 24 * 60)
    )
    updated = published + datetime.timedelta(days=rng.randrange(0, 200))
    publisher, url = rng.choice(PUBLISHERS)
    return {
        "title": plan["title"],
        "slug": plan["slug"],
        "summary": (
            f"What causes {plan['region']} {plan['symptom']} {plan['context']}, what you can do "
            f"about it at home, and the signs that need a doctor."
        ),
        "intro": (
            f"{plan['region'].capitalize()} {plan['symptom']} {plan['context']} is common. Most "
            f"of the time it comes from **{rng.choice(CONDITIONS)}** and settles with simple care."
        ),
        "author": rng.choice(authors),
        "published_at": published.isoformat(),
        "updated_at": updated.isoformat(),
        "tags": [reviewer["tag"], plan["symptom"].capitalize(), plan["region"].title()],
        "reviewer": {k: reviewer[k] for k in ("name", "slug", "credentials", "specialty")},
        "sections": sections,
        "related": rng.sample(others, k=min(len(others), 6)),
        "references": [{"label": f"{publisher} health topics", "url": url, "publisher": publisher}],
        "hero_image": {
            "file": f"images/{plan['slug']}.jpg",
            "alt": f"A person holding their {plan['region']}",
            "credit": "Generated for testing",
        },
    }


def _body(rng, words, index, linked):
    condition = rng.choice(CONDITIONS)
    paragraph = (
        f"{words['region'].capitalize()} {words['symptom']} {words['context']} can come from "
        f"**{condition}**, from **overuse**, or from the way you move. Paying attention to when "
        f"it starts and what eases it helps you and your clinician find the cause."
    )
    tips = "\n".join(f"- {tip}" for tip in rng.sample(TIPS, k=4))
    parts = [paragraph, tips]
    if index < len(linked):
        parts.append(
            f"Read more in [this related guide](article:{linked[index]}#when-to-see-a-doctor)."
        )
    if index == len(SECTION_HEADINGS) - 1:
        signs = ", ".join(rng.sample(WARNING_SIGNS, k=3))
        parts.append(f"Get medical help the same day for **{signs}**.")
    return "\n\n".join(parts)


def write_jsonl(path, count, *, seed=0):
    """Write the generated articles to `path`, and their hero images to `images/` beside it;
    return how many were written."""
    folder = Path(path).parent / "images"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(path, "w", encoding="utf-8") as stream:
        for article in generate(count, seed=seed):
            stream.write(json.dumps(article, ensure_ascii=False) + "\n")
            (folder.parent / article["hero_image"]["file"]).write_bytes(
                hero_jpeg(seed * 1_000_003 + written)
            )
            written += 1
    return written


def hero_jpeg(number):
    """A JPEG of HERO_SIZE of its own (a gradient and two shapes in colours drawn from
    `number`), about as costly to decode and encode as a photo of that size."""
    rng = random.Random(number)
    width, height = HERO_SIZE
    picture = Image.linear_gradient("L").resize(HERO_SIZE)
    shades = [rng.uniform(0.3, 1) for _ in "RGB"]
    picture = Image.merge(
        "RGB", [picture.point([int(v * shade) for v in range(256)]) for shade in shades]
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(2):
        left, top = rng.randrange(width - 300), rng.randrange(height - 300)
        size = rng.randrange(120, 300)
        colour = tuple(rng.randrange(256) for _ in "RGB")
        draw.ellipse((left, top, left + size, top + size), fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=HERO_QUALITY)
    return buffer.getvalue()
