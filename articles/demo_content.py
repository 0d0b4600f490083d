"""The demo knowledge base: our own writing, shaped like a real patient-facing article page.

The flagship article links to the others inline (`article:` links) and lists six of them as
related topics. Everything here is illustrative demo content for the CMS, not medical advice.

Most articles are published; a few are left at other points of the review workflow (their
`story`), so that every queue and screen of the admin has something to show. Hero images are
drawn by the loader at load time from the scene described here; their alt text says what the
drawing shows.
"""

# The reviewer holds the orthopedics specialty, which every demo condition calls for.
REVIEWER_SPECIALTIES = ["orthopedics"]

REVIEWER = {
    "name": "Helena Marsh",
    "slug": "helena-marsh",
    "credentials": "MD, FAAOS",
    "specialty": "Orthopedic Surgery",
    "bio": (
        "Dr. Marsh is a board-certified orthopedic surgeon who treats hip, knee and sports "
        "injuries and reviews our musculoskeletal articles."
    ),
}

# The reviewer's licence and certification, verified by the demo editor when the demo loads.
# The licence falls due for renewal soon after, so the editors' dashboard has one to show.
REVIEWER_CREDENTIALS = [
    {
        "kind": "licence",
        "number": "A 154320",
        "issuing_body": "Medical Board of California",
        "region": "California",
        "valid_for_days": 45,
        "number_is_public": True,
    },
    {
        "kind": "board_certification",
        "number": "ABOS 60412",
        "issuing_body": "American Board of Orthopaedic Surgery",
        "region": "",
        "valid_for_days": 8 * 365,
        "number_is_public": False,
    },
]

# What the demo's writer and reviewer declare of their interests; their approvals record it.
DISCLOSURES = {
    "writer": "Paid by the publisher for each article; no other interests to declare.",
    "reviewer": "No conflicts declared.",
}

# username: (first name, last name, group)
USERS = {
    "writer": ("Nora", "Quinn", "Writers"),
    "reviewer": ("Helena", "Marsh", "Reviewers"),
    "editor": ("Elliot", "Park", "Editors"),
}

TAGS = [
    {
        "name": "Orthopedics",
        "slug": "orthopedics",
        "kind": "specialty",
        "description": "Bones, joints, muscles, tendons and ligaments.",
    },
    {
        "name": "Hip Pain",
        "slug": "hip-pain",
        "kind": "symptom",
        "description": "Aches and sharp pain around the hip joint, groin and buttock.",
        "codes": [("ICD-10-CM", "M25.559", "Pain in unspecified hip")],
    },
    {
        "name": "Leg Pain",
        "slug": "leg-pain",
        "kind": "symptom",
        "description": "Pain anywhere from the thigh to the ankle.",
        "codes": [("ICD-10-CM", "M79.606", "Pain in leg, unspecified")],
    },
    {
        "name": "Knee Pain",
        "slug": "knee-pain",
        "kind": "symptom",
        "description": "Pain in or around the knee joint.",
        "codes": [("ICD-10-CM", "M25.569", "Pain in unspecified knee")],
    },
    {
        "name": "Pregnancy",
        "slug": "pregnancy",
        "kind": "topic",
        "description": "Health questions that come up before and after giving birth.",
    },
    {
        "name": "Sleep",
        "slug": "sleep",
        "kind": "topic",
        "description": "Rest, night-time symptoms and sleeping positions.",
    },
    {
        "name": "Foot Pain",
        "slug": "foot-pain",
        "kind": "symptom",
        "description": "Pain in the heel, the sole, the toes or the ankle.",
        "codes": [("ICD-10-CM", "M79.673", "Pain in unspecified foot")],
    },
    {
        "name": "Back Pain",
        "slug": "back-pain",
        "kind": "symptom",
        "description": "Pain in the lower or upper back, including pain that spreads to the legs.",
        "codes": [
            ("ICD-10-CM", "M54.9", "Dorsalgia, unspecified"),
            ("MeSH", "D001416", "Back Pain"),
        ],
    },
]

# Condition tags: codes from ICD-10-CM (2025) and MeSH, as search engines and health record
# systems know the conditions.
TAGS += [
    {
        "name": "Knee Osteoarthritis",
        "slug": "knee-osteoarthritis",
        "kind": "condition",
        "approved_by": ["orthopedics"],
        "description": "Wear of the cartilage in the knee joint, with pain and stiffness.",
        "codes": [
            ("ICD-10-CM", "M17.9", "Osteoarthritis of knee, unspecified"),
            ("MeSH", "D020370", "Osteoarthritis, Knee"),
        ],
    },
    {
        "name": "Plantar Fasciitis",
        "slug": "plantar-fasciitis",
        "kind": "condition",
        "approved_by": ["orthopedics"],
        "description": "Irritation of the band of tissue under the foot, felt in the heel.",
        "codes": [
            ("ICD-10-CM", "M72.2", "Plantar fascial fibromatosis"),
            ("MeSH", "D036981", "Fasciitis, Plantar"),
        ],
    },
    {
        "name": "Sciatica",
        "slug": "sciatica",
        "kind": "condition",
        "approved_by": ["orthopedics"],
        "description": "Pain along the sciatic nerve, from the lower back down the leg.",
        "codes": [
            ("ICD-10-CM", "M54.30", "Sciatica, unspecified side"),
            ("MeSH", "D012585", "Sciatica"),
        ],
    },
]

IMAGE_CREDIT = "Illustration: drawn in code for the demo knowledge base"

# Where each non-published demo article is left in the review workflow.
IN_REVIEW_SLUG = "shin-pain-from-running"
EDIT_IN_REVIEW_SLUG = "heel-pain-in-the-morning"
CHANGES_REQUESTED_SLUG = "sciatica-pain-down-the-leg"
SCHEDULED_SLUG = "pain-on-the-outside-of-the-hip"
OVERDUE_SLUG = "ankle-sprain-recovery"

FLAGSHIP_SLUG = "inner-thigh-and-leg-pain"

ARTICLES = [
    {
        "slug": FLAGSHIP_SLUG,
        "title": "Inner Thigh and Leg Pain: Common Causes and What Helps",
        "summary": (
            "Why the inner thigh and leg hurt during exercise, walking, pregnancy or at night, "
            "what you can do at home, and the signs that need a doctor."
        ),
        "intro": (
            "Pain along the inner thigh or down the leg is common, and most of the time it comes "
            "from a tired or strained muscle rather than anything serious. Knowing *when* it "
            "hurts (while running, when walking, in pregnancy or after lying down) is often the "
            "best clue to the cause, and to what will help."
        ),
        "tags": ["orthopedics", "hip-pain", "leg-pain"],
        "hero_image": {
            "name": "footpath-at-sunrise.jpg",
            "alt": "Illustration of a footpath winding over green hills towards a rising sun.",
            "scene": {
                "sky": ("#7fb2d9", "#fbd9a6"),
                "sun": ("#fff1c1", 0.68, 0.5, 70),
                "hills": ("#9cc59a", "#6fa676", "#4a8a5c"),
                "path": "#efe3c8",
            },
        },
        "sections": [
            (
                "Inner thigh pain during or after exercise",
                """
The muscles along the inner thigh, the **adductors**, pull the legs together and steady the
pelvis. Sudden changes of direction, kicking and sprinting can overstretch them, causing a
**groin strain**: a sharp pull at the time, then soreness and stiffness that worsen when you
bring your legs together.

Most mild strains settle in two to three weeks with simple care:

- **Relative rest**: keep moving, but skip the sport or drill that hurts.
- **Cold packs** for 15 to 20 minutes at a time during the first two days.
- **Gentle stretching**, then strengthening, once walking no longer hurts.
- A **gradual return**: build up distance and speed over several sessions.

Warming up before sport and strengthening the hips and core lower the chance of a repeat.
""",
            ),
            (
                "Inner thigh pain when walking",
                """
Pain that starts with walking and eases at rest often comes from **overuse**: an
irritated adductor tendon, a stiff hip, or a gait that loads one side more than the other.
A change in footwear or a sudden jump in daily steps is a frequent trigger.

Check your shoes for support and wear, add distance slowly, and try short walks on flat
ground. Our guide to [pain when walking](article:easing-pain-when-walking#from-the-hip-to-the-thigh)
explains how hip and thigh pain affect your stride. If walking pain comes with a **deep
groin ache** or a catching feeling in the hip, ask a clinician to examine the joint.
""",
            ),
            (
                "Inner thigh pain in pregnancy",
                """
As pregnancy goes on, hormones loosen the ligaments of the pelvis so it can widen for birth.
For some people this makes the joint at the front of the pelvis move more than usual, which
is felt as pain over the pubic bone and along the inner thighs, called **pelvic girdle
pain**.

- Keep your knees together when getting in and out of bed or a car.
- Sleep on your side with a **pillow between the knees**.
- Take smaller steps and avoid standing on one leg to dress.
- Ask your midwife or doctor about a pelvic support belt or a physiotherapist.

Our article on [hip pain in pregnancy](article:hip-pain-in-pregnancy) has more on sleeping
positions and safe exercise.
""",
            ),
            (
                "Leg pain at night",
                """
Leg pain after lying down has several common causes. **Night cramps** are sudden, hard
tightenings of the calf that pass within minutes. **Restless legs syndrome** brings an
urge to move the legs with creeping or crawling feelings that ease with movement; the
[MedlinePlus page on restless legs](https://medlineplus.gov/restlesslegs.html) describes
it in detail. Pain in the calves with walking that eases with rest can also point to
**narrowed leg arteries**, which a doctor should assess.

Stretching the calves before bed, staying active during the day and drinking enough water
help many people. See [leg and hip pain at night](article:hip-and-leg-pain-at-night) for
sleeping positions that take pressure off the hips.
""",
            ),
            (
                "When to see a doctor",
                """
Most thigh and leg pain improves with time and simple care. Get medical help **the same
day** if you notice:

- **Swelling, warmth and redness in one leg**, especially the calf, which can be a blood
  clot (deep vein thrombosis), above all if you are also short of breath.
- **Sudden severe pain**, or a leg that is cold, pale or numb.
- Pain after a fall or injury that stops you from **bearing weight**.
- **Fever** with a painful, red area of skin.

Book a routine appointment if pain lasts more than a few weeks, keeps waking you at night,
or keeps coming back. For pain around the knee, see our guide to
[knee pain](article:knee-pain-causes-and-care).
""",
            ),
        ],
        "references": [
            {
                "label": "Restless Legs",
                "url": "https://medlineplus.gov/restlesslegs.html",
                "publisher": "MedlinePlus, U.S. National Library of Medicine",
            },
            {
                "label": "Restless legs syndrome/Willis-Ekbom disease diagnostic criteria: "
                "updated IRLSSG consensus criteria",
                "url": "https://doi.org/10.1016/j.sleep.2014.03.025",
                "publisher": "Sleep Medicine",
                "doi": "10.1016/j.sleep.2014.03.025",
                "pmid": "25023924",
            },
        ],
        "related": [
            "knee-pain-causes-and-care",
            "easing-pain-when-walking",
            "hip-and-leg-pain-at-night",
            "hip-and-leg-pain-relief",
            "why-do-my-legs-ache",
            "hip-pain-in-pregnancy",
        ],
    },
    {
        "slug": "knee-pain-causes-and-care",
        # Brought over from an older site: its own byline and the date it first appeared there.
        "byline": "Tomas Lindqvist, physiotherapist",
        "first_published_at": "2019-04-02T09:00:00+00:00",
        "title": "Knee Pain: Causes and Care at Home",
        "summary": (
            "Common reasons the knee aches, clicks or gives way, how to look after it at home, "
            "and when an examination is worthwhile."
        ),
        "intro": (
            "The knee carries several times your body weight on every stair, so it is no "
            "surprise that knee pain is one of the most common reasons people see a doctor."
        ),
        "tags": ["orthopedics", "knee-pain", "knee-osteoarthritis"],
        "sections": [
            (
                "Pain at the front of the knee",
                """
An ache around or behind the kneecap that is worse on stairs, squatting or after sitting
for a long time is often **patellofemoral pain**. Strengthening the thigh and hip muscles
is the mainstay of treatment, and most people improve over a few months.
""",
            ),
            (
                "Clicking and locking",
                """
Painless clicking is common and usually harmless. A knee that **locks** and cannot
straighten, or that swells after a twisting injury, may have a torn meniscus and should be
examined.
""",
            ),
            (
                "Looking after a sore knee",
                """
- Stay active with low-impact exercise such as cycling or swimming.
- Use ice after activity if the knee swells.
- Lose weight if you carry extra: every kilogram counts on the stairs.
""",
            ),
        ],
        "related": ["easing-pain-when-walking", FLAGSHIP_SLUG],
    },
    {
        "slug": "easing-pain-when-walking",
        "title": "Easing Pain When Walking, from the Hip to the Ankle",
        "summary": (
            "How hip, thigh, knee and ankle pain change the way you walk, and practical ways to "
            "keep walking comfortably."
        ),
        "intro": (
            "Walking is one of the best things you can do for your joints, but pain can make "
            "every step a chore. Small changes often make a big difference."
        ),
        "tags": ["orthopedics", "leg-pain", "hip-pain"],
        "sections": [
            (
                "From the hip to the thigh",
                """
Hip problems are often felt in the **groin** or down the front of the thigh rather than at
the hip itself. A shorter stride on the painful side is a common sign. Walking poles and
flat routes can reduce the load while you build strength.
""",
            ),
            (
                "Knees and shins",
                """
Pain below the knee that builds during long walks may come from the shin muscles working
harder than they are used to. Increase your distance by **no more than about a tenth each
week**.
""",
            ),
            (
                "The ankle and foot",
                """
Inner ankle pain with a flattening arch can come from the **tibialis posterior tendon**.
Supportive shoes, calf stretches and heel raises help; pain that lasts should be checked.
""",
            ),
        ],
        "related": [FLAGSHIP_SLUG, "knee-pain-causes-and-care"],
    },
    {
        "slug": "hip-and-leg-pain-at-night",
        "title": "Hip and Leg Pain at Night: Causes and Tips for Better Sleep",
        "summary": (
            "Why hips and legs hurt when you lie down, and sleeping positions and habits that "
            "help you rest."
        ),
        "intro": (
            "Pain that shows up at bedtime is frustrating because it costs you the sleep your "
            "body needs to recover."
        ),
        "tags": ["hip-pain", "leg-pain", "sleep"],
        "sections": [
            (
                "Pain on the side of the hip",
                """
Lying on a sore hip presses on the tendons and the fluid-filled sac over the bony point of
the hip. Sleeping on the other side with a **pillow between the knees** keeps the top leg
level and takes the strain off.
""",
            ),
            (
                "Cramps and restless legs",
                """
Calf cramps and the urge to move the legs are common at night. Gentle calf stretches
before bed and a regular sleep schedule help many people; frequent symptoms are worth
discussing with a doctor.
""",
            ),
        ],
        "related": [FLAGSHIP_SLUG, "why-do-my-legs-ache"],
    },
    {
        "slug": "hip-and-leg-pain-relief",
        "title": "Relief for Hip and Leg Pain: Exercises and Everyday Changes",
        "summary": (
            "Exercises, activity changes and treatments that ease hip and leg pain and help you "
            "stay active."
        ),
        "intro": (
            "Whatever the cause, staying active in the right way is usually the fastest route "
            "to less pain."
        ),
        "tags": ["orthopedics", "hip-pain", "leg-pain"],
        "sections": [
            (
                "Exercises that help",
                """
- **Bridges** and side-lying leg raises strengthen the muscles around the hip.
- **Walking** and cycling keep the joints moving without heavy impact.
- **Gentle stretches** for the hip flexors and hamstrings ease stiffness.
""",
            ),
            (
                "Pain relief",
                """
Over-the-counter pain relievers can help you stay active; ask a pharmacist which one suits
you, especially if you take other medicines or have stomach, kidney or heart problems.
""",
            ),
        ],
        "related": [FLAGSHIP_SLUG, "easing-pain-when-walking"],
    },
    {
        "slug": "why-do-my-legs-ache",
        "title": "Why Do My Legs Ache? Common Reasons and Tips",
        "summary": (
            "Tired, aching legs have many everyday causes, from long days standing to a sudden "
            "increase in exercise. Here is how to tell them apart."
        ),
        "intro": (
            "Aching legs are usually a sign of muscles that have worked hard, but the pattern "
            "of the ache can point to other causes."
        ),
        "tags": ["leg-pain"],
        "sections": [
            (
                "After standing or exercise",
                """
A dull ache after a long day on your feet or a new workout is muscle fatigue. It eases
with rest, gentle movement and **raising the legs** for a while.
""",
            ),
            (
                "Heavy legs and swollen ankles",
                """
Legs that feel heavy by evening, with swelling around the ankles, can be a sign of
**varicose veins**. Compression stockings and regular walks help the blood return to the
heart.
""",
            ),
        ],
        "related": [FLAGSHIP_SLUG, "hip-and-leg-pain-at-night"],
    },
    {
        "slug": "hip-pain-in-pregnancy",
        "title": "Hip Pain in Pregnancy: Causes and Relief",
        "summary": (
            "Why the hips and pelvis ache during pregnancy, and safe ways to sleep, move and "
            "get help."
        ),
        "intro": (
            "Hip and pelvic pain affect many pregnant people. It is common, it can be treated, "
            "and it usually settles after the baby is born."
        ),
        "tags": ["hip-pain", "pregnancy"],
        "sections": [
            (
                "Why it happens",
                """
Pregnancy hormones loosen the ligaments of the pelvis, and the growing bump changes your
posture. Together they put extra load on the hips and the joints of the pelvis.
""",
            ),
            (
                "Sleeping and moving comfortably",
                """
- Sleep on your side with a pillow between your knees and under the bump.
- Keep your knees together when you roll over in bed.
- Swimming and water exercise take weight off the joints.
""",
            ),
        ],
        "related": [FLAGSHIP_SLUG, "hip-and-leg-pain-at-night"],
    },
    # The articles below are left at other points of the workflow; see `story`.
    {
        "slug": IN_REVIEW_SLUG,
        "story": "in_review",
        "title": "Shin Pain from Running: Shin Splints and Stress Fractures",
        "summary": (
            "Why the shins ache when you start running or run more, how to ease the pain and "
            "keep fit meanwhile, and the signs of a stress fracture."
        ),
        "intro": (
            "An ache along the shinbone is one of the most common complaints of new runners "
            "and of anyone who steps up their training quickly. It usually settles with a "
            "change of routine, but pain in one small spot deserves more care."
        ),
        "tags": ["orthopedics", "leg-pain"],
        "hero_image": {
            "name": "running-path-at-midday.jpg",
            "alt": (
                "Illustration of a dirt running path crossing rolling green hills under a "
                "clear midday sky."
            ),
            "scene": {
                "sky": ("#3f8fd2", "#c4e5f7"),
                "sun": ("#fffbe6", 0.22, 0.2, 55),
                "hills": ("#a8d08d", "#7db36b", "#5a9450"),
                "path": "#d9c7a3",
            },
        },
        "sections": [
            (
                "What shin splints feel like",
                """
**Shin splints** is the everyday name for an aching, tender strip along the inner edge of the
shinbone. The ache builds during a run and may linger afterwards, and the bone feels sore to
press along several centimetres. It comes from the bone and the muscles attached to it being
loaded more than they are used to: a sudden rise in distance or speed, hard or sloping
surfaces, and worn-out shoes all add to it.
""",
            ),
            (
                "Easing the pain and staying fit",
                """
- **Cut back** on running, or stop for two to four weeks if every run hurts.
- Keep your fitness with **cycling, swimming or water running**, which spare the shins.
- Use a **cold pack** for 15 minutes after activity if the shin is sore.
- Return **gradually**: short, easy runs on soft, level ground, adding a little each week.
- Strengthen the **calves and hips** and check that your shoes still give support.

Our guide to [pain when walking](article:easing-pain-when-walking#knees-and-shins) has more
on building up distance safely.
""",
            ),
            (
                "When it might be a stress fracture",
                """
A **stress fracture** is a small crack in the bone from repeated loading. Suspect one if the
pain is in **one spot you can cover with a fingertip**, if it hurts when you walk or rest, or
if it keeps you awake. Stop running and see a doctor: an X-ray can look normal in the first
weeks, so a scan is sometimes needed, and the bone needs time off impact to heal.
""",
            ),
        ],
        "related": ["easing-pain-when-walking", "why-do-my-legs-ache"],
    },
    {
        "slug": EDIT_IN_REVIEW_SLUG,
        "story": "edit_in_review",
        "title": "Heel Pain in the Morning: Plantar Fasciitis",
        "summary": (
            "Why the heel hurts with the first steps of the day, what eases it at home, and "
            "when heel pain needs a closer look."
        ),
        "intro": (
            "A sharp pain under the heel when you get out of bed, which eases as you move "
            "about, is the classic sign of plantar fasciitis, the most common cause of heel "
            "pain in adults."
        ),
        "tags": ["orthopedics", "foot-pain", "plantar-fasciitis"],
        "hero_image": {
            "name": "path-at-sunset.jpg",
            "alt": (
                "Illustration of a path over purple hills at sunset, the sun low on the horizon."
            ),
            "scene": {
                "sky": ("#5b4b8a", "#f4a261"),
                "sun": ("#ffd6a0", 0.3, 0.5, 80),
                "hills": ("#8e6c88", "#6b4f6e", "#4a3550"),
                "path": "#e8c3a0",
            },
        },
        "sections": [
            (
                "Why the first steps hurt",
                """
The **plantar fascia** is a thick band of tissue under the sole that runs from the heel to the
toes and supports the arch. When it is overloaded, where it joins the heel becomes irritated.
It tightens while you rest, so the **first steps in the morning** or after sitting stretch it
and hurt; the pain eases as you walk, then returns after long periods on your feet.
""",
            ),
            (
                "What helps at home",
                """
- **Stretch the calf and the sole** before you get up and several times a day.
- Wear **cushioned, supportive shoes** and avoid walking barefoot on hard floors.
- Try **heel pads or insoles** that support the arch.
- Roll the sole over a **cold bottle** for a few minutes to ease soreness.
- Spend less time running or standing until the pain settles.
""",
            ),
            (
                "When to get it checked",
                """
See a doctor or a physiotherapist if the pain has not improved after a few weeks of home
care, if it began with an injury, if the heel is **swollen or red**, or if you have
**numbness or tingling** in the foot. Heel pain that is worse at night or at rest also needs
a closer look.
""",
            ),
        ],
        "related": ["easing-pain-when-walking", "ankle-sprain-recovery"],
        # After publishing, the writer changes this much and submits it again; the live version
        # stays up while the new revision waits for review.
        "edit": {
            "intro": (
                "A sharp pain under the heel when you get out of bed, which eases as you move "
                "about, is the classic sign of plantar fasciitis, the most common cause of heel "
                "pain in adults. It can take months to settle, but most people get better with "
                "simple measures and never need an operation."
            ),
            "sections": {
                "What helps at home": """
- **Stretch the calf and the sole** before you get up and several times a day.
- Wear **cushioned, supportive shoes** and avoid walking barefoot on hard floors.
- Try **heel pads or insoles** that support the arch.
- Roll the sole over a **cold bottle** for a few minutes to ease soreness.
- Spend less time running or standing until the pain settles, and keep fit with cycling or
  swimming meanwhile.
- If the pain is worst first thing, ask a physiotherapist about a **night splint**, which holds
  the foot gently flexed while you sleep.
""",
            },
            "hero_image": {
                "name": "path-on-a-hazy-morning.jpg",
                "alt": (
                    "Illustration of a pale path through blue-green hills under a hazy morning sky."
                ),
                "scene": {
                    "sky": ("#b7c9d6", "#eef2f3"),
                    "sun": ("#ffffff", 0.75, 0.3, 60),
                    "hills": ("#a7c4bc", "#7fa99b", "#5c8d89"),
                    "path": "#f2efe6",
                },
            },
        },
    },
    {
        "slug": CHANGES_REQUESTED_SLUG,
        "story": "changes_requested",
        "title": "Sciatica: Pain That Runs Down the Leg",
        "summary": (
            "What sciatica is, why it makes the leg hurt more than the back, and how to keep "
            "moving while it settles."
        ),
        "intro": (
            "Sciatica is pain that travels from the lower back or buttock down the back of the "
            "leg, sometimes as far as the foot. It is common, it can be very painful, and most "
            "of the time it gets better on its own within a few weeks."
        ),
        "tags": ["back-pain", "leg-pain", "sciatica"],
        "sections": [
            (
                "What sciatica is",
                """
The **sciatic nerve** is formed from nerve roots that leave the lower spine. When one of those
roots is pressed on or irritated, most often by a **bulging disc**, pain is felt along the
nerve's path: through the buttock and down the back of the thigh and calf. It often comes
with **tingling, pins and needles or numbness**, and the leg usually hurts more than the back.
""",
            ),
            (
                "Looking after yourself",
                """
- **Keep moving** as normally as you can: short, frequent walks are better than bed rest.
- Change position often and avoid sitting for long stretches.
- A **heat pack** on the lower back or buttock can ease muscle spasm.
- Ask a pharmacist which **pain relief** suits you, especially if you take other medicines.

Most people improve within four to six weeks.
""",
            ),
        ],
        "related": ["why-do-my-legs-ache", "hip-and-leg-pain-relief"],
        "review_comment": (
            "Clear and accurate as far as it goes, but it cannot go out without the warning "
            "signs. Please add a section on when to get help: the same day (emergency care) "
            "for numbness around the genitals or buttocks, new trouble passing urine or "
            "controlling the bladder or bowel, or weakness in both legs, which can mean "
            "cauda equina syndrome; and a routine appointment if the pain is not improving "
            "after four to six weeks or keeps coming back."
        ),
        # Comments on parts of the revision, by section heading: the writer answers each.
        "section_comments": [
            (
                "Looking after yourself",
                "Say how long to keep taking pain relief before seeing someone, and that "
                "anyone with stomach ulcers should ask before taking ibuprofen.",
            ),
        ],
    },
    {
        "slug": SCHEDULED_SLUG,
        "story": "scheduled",
        "title": "Pain on the Outside of the Hip",
        "summary": (
            "Why the bony point on the side of the hip aches, especially when you lie on it, "
            "and what eases it."
        ),
        "intro": (
            "Pain over the outside of the hip that is worse when you lie on that side, climb "
            "stairs or stand on one leg is very common in middle age. It usually comes from the "
            "tendons there rather than from the hip joint itself."
        ),
        "tags": ["orthopedics", "hip-pain"],
        "sections": [
            (
                "What causes it",
                """
The **gluteal tendons** attach the buttock muscles to the bony point on the outside of the
hip, with a small fluid-filled sac (a bursa) nearby. When these tendons are irritated, the
side of the hip becomes sore to touch and aches with walking, stairs and lying on that side.
Doctors call this **greater trochanteric pain syndrome**; it is more common in women and
after the age of forty.
""",
            ),
            (
                "What helps",
                """
- Avoid **lying on the sore side**; on the other side, put a pillow between your knees.
- Try not to **cross your legs** or stand with your weight on one hip.
- Choose higher chairs so your knees stay below your hips.
- **Strengthening exercises** for the hip, guided by a physiotherapist, help most people over
  a few months.

Our article on [hip pain at night](article:hip-and-leg-pain-at-night#pain-on-the-side-of-the-hip)
has more on sleeping comfortably.
""",
            ),
            (
                "When to see a doctor",
                """
Book an appointment if the pain has not eased after a few weeks, or if it keeps you from
sleeping. Get help the same day if the hip hurts after a **fall** and you cannot bear weight,
or if pain comes with **fever** or a hot, swollen joint.
""",
            ),
        ],
        "related": ["hip-and-leg-pain-at-night", "hip-and-leg-pain-relief"],
    },
    {
        "slug": OVERDUE_SLUG,
        "story": "overdue",
        "title": "Ankle Sprains: The First Days and Getting Back on Your Feet",
        "summary": (
            "How to look after a sprained ankle in the first few days, how to rebuild strength "
            "and balance, and when an ankle needs an X-ray."
        ),
        "intro": (
            "Rolling an ankle is one of the most common injuries there is. Most sprains heal "
            "well, and the right mix of early care and gradual exercise lowers the chance of "
            "spraining it again."
        ),
        "tags": ["orthopedics", "foot-pain"],
        "sections": [
            (
                "What happens in a sprain",
                """
A sprain is a stretch or tear of the **ligaments** that hold the ankle bones together. Most
happen when the foot rolls inwards, hurting the ligaments on the **outer side** of the ankle.
The ankle swells, may bruise, and hurts to stand on.
""",
            ),
            (
                "The first few days",
                """
- **Protect** the ankle and rest it from anything that makes the pain worse.
- Apply a **cold pack** wrapped in a cloth for 15 to 20 minutes every few hours.
- **Raise** the ankle above the level of your heart when you can.
- Start moving the ankle gently, and **walk on it** as soon as the pain allows.
""",
            ),
            (
                "Getting back to sport",
                """
Once walking is comfortable, work on **balance** (standing on the injured leg, first with
support) and on strengthening the calf and the muscles around the ankle. Mild sprains often
feel better within two weeks; a return to running and jumping sports usually takes longer. If
the ankle keeps giving way, a physiotherapist can help.
""",
            ),
            (
                "When an X-ray is needed",
                """
See a doctor or urgent care if you **could not take four steps** straight after the injury or
cannot now, if the **bony bumps of the ankle** or the outer edge of the foot are tender to
press, if the ankle looks misshapen, or if the foot is numb or cold.
""",
            ),
        ],
        "related": ["easing-pain-when-walking", "why-do-my-legs-ache"],
    },
]
