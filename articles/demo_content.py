"""The demo knowledge base: our own writing, shaped like a real patient-facing article page.

The flagship article links to the others inline (`article:` links) and lists six of them as
related topics. Everything here is illustrative demo content for the CMS, not medical advice.
"""

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
    },
    {
        "name": "Leg Pain",
        "slug": "leg-pain",
        "kind": "symptom",
        "description": "Pain anywhere from the thigh to the ankle.",
    },
    {
        "name": "Knee Pain",
        "slug": "knee-pain",
        "kind": "symptom",
        "description": "Pain in or around the knee joint.",
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
]

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
        "title": "Knee Pain: Causes and Care at Home",
        "summary": (
            "Common reasons the knee aches, clicks or gives way, how to look after it at home, "
            "and when an examination is worthwhile."
        ),
        "intro": (
            "The knee carries several times your body weight on every stair, so it is no "
            "surprise that knee pain is one of the most common reasons people see a doctor."
        ),
        "tags": ["orthopedics", "knee-pain"],
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
]
