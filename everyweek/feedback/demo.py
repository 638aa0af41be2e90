"""A year of generated interactions, survey invitations, responses and follow-ups for the demo.

`generate_feedback(rng, days=365)` works on the generated organisation (people and customers
with `is_generated=True`) and marks what it makes: interactions and responses carry
`is_generated=True`; invitations, credits and follow-up cases hang off them and go with them
(`delete_generated_feedback()`). Rows are written with `bulk_create`, so a year (about 20,000
interactions and 5,000 responses) takes seconds, not minutes.

Each agent has a steady "form" so scorecards differ between people; comments follow the score
(praise, often naming the agent; neutral; complaints) in the customer's own language.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from everyweek.customers.models import Customer
from everyweek.feedback.invitations import ensure_default_survey, pick_language, survey_languages
from everyweek.feedback.models import (
    Channel,
    FeedbackSettings,
    FollowUpCase,
    FollowUpNote,
    FollowUpReason,
    FollowUpStatus,
    Interaction,
    InteractionCredit,
    InteractionStatus,
    InvitationStatus,
    Priority,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.people.models import DepartmentKind, Person, Role

T = TypeVar("T")

SOURCE = "demo-helpdesk"
INTERACTIONS_PER_DAY = 55
BATCH = 1000

CHANNELS = (
    (Channel.EMAIL, 40),
    (Channel.CHAT, 25),
    (Channel.PHONE, 25),
    (Channel.WEB, 6),
    (Channel.SOCIAL, 3),
    (Channel.VISIT, 1),
)
PRIORITIES = ((Priority.LOW, 15), (Priority.NORMAL, 65), (Priority.HIGH, 15), (Priority.URGENT, 5))
# Minutes to the first reply, by channel: (typical, spread).
FIRST_REPLY = {
    Channel.EMAIL: (180, 240),
    Channel.WEB: (240, 300),
    Channel.SOCIAL: (60, 90),
    Channel.CHAT: (2, 4),
    Channel.PHONE: (0, 1),
    Channel.VISIT: (5, 10),
}
TAGS = ["billing", "delivery", "returns", "account", "technical", "order", "warranty", "vip"]

SUBJECTS: dict[str, list[str]] = {
    "en": [
        "Where is my order?",
        "Refund for a damaged item",
        "Cannot log in to my account",
        "Question about my invoice",
        "Change of delivery address",
        "Warranty claim",
        "The app keeps crashing",
        "Cancel my subscription",
    ],
    "it": [
        "Dov'è il mio ordine?",
        "Rimborso per un articolo danneggiato",
        "Non riesco ad accedere al mio account",
        "Domanda sulla fattura",
        "Cambio dell'indirizzo di consegna",
        "Richiesta di garanzia",
        "L'app si blocca continuamente",
        "Disdetta dell'abbonamento",
    ],
    "de": [
        "Wo ist meine Bestellung?",
        "Erstattung für einen beschädigten Artikel",
        "Anmeldung bei meinem Konto nicht möglich",
        "Frage zu meiner Rechnung",
        "Änderung der Lieferadresse",
        "Garantieanspruch",
        "Die App stürzt ständig ab",
        "Kündigung meines Abonnements",
    ],
    "th": [
        "คำสั่งซื้อของฉันอยู่ที่ไหน",
        "ขอคืนเงินสินค้าที่เสียหาย",
        "เข้าสู่ระบบบัญชีไม่ได้",
        "สอบถามเรื่องใบแจ้งหนี้",
        "เปลี่ยนที่อยู่จัดส่ง",
        "เคลมประกันสินค้า",
        "แอปปิดเองตลอดเวลา",
        "ยกเลิกการสมัครสมาชิก",
    ],
    "es": [
        "¿Dónde está mi pedido?",
        "Reembolso por un artículo dañado",
        "No puedo entrar en mi cuenta",
        "Pregunta sobre mi factura",
    ],
    "fr": [
        "Où est ma commande ?",
        "Remboursement d'un article endommagé",
        "Impossible de me connecter à mon compte",
        "Question sur ma facture",
    ],
}

# {agent} is the agent's first or preferred name, as customers write it.
PRAISE_NAMED: dict[str, list[str]] = {
    "en": [
        "{agent} was fantastic: patient, friendly and sorted everything out in one call.",
        "Huge thanks to {agent}, who went the extra mile to get my parcel delivered before the weekend.",
        "{agent} explained the invoice so clearly that I finally understand it. Thank you!",
        "I was really frustrated, but {agent} stayed calm and fixed it. Please tell their manager.",
        "{agent} called me back exactly when promised. That never happens. Brilliant service.",
        "Best support I've had in years, thanks to {agent}.",
    ],
    "it": [
        "{agent} è stata gentilissima e ha risolto tutto in una sola telefonata.",
        "Un grazie enorme a {agent}, che si è fatto in quattro per farmi arrivare il pacco prima del weekend.",
        "{agent} mi ha spiegato la fattura con una chiarezza incredibile. Grazie!",
        "Ero molto arrabbiato, ma {agent} è rimasto calmo e ha sistemato tutto. Complimenti!",
        "{agent} mi ha richiamato esattamente all'ora promessa. Servizio eccellente.",
        "Il miglior servizio clienti che abbia mai avuto, grazie a {agent}.",
    ],
    "de": [
        "{agent} war großartig: geduldig, freundlich und hat alles in einem Anruf gelöst.",
        "Vielen Dank an {agent}, der sich extra bemüht hat, damit mein Paket vor dem Wochenende ankommt.",
        "{agent} hat mir die Rechnung so klar erklärt, dass ich sie endlich verstehe. Danke!",
        "Ich war richtig verärgert, aber {agent} blieb ruhig und hat das Problem gelöst. Ein großes Lob!",
        "{agent} hat mich genau zur versprochenen Zeit zurückgerufen. Hervorragender Service.",
        "Der beste Kundenservice seit Jahren, dank {agent}.",
    ],
    "th": [
        "คุณ{agent}บริการดีมาก ใจเย็นและเป็นกันเอง แก้ปัญหาให้จบในสายเดียว",
        "ขอบคุณคุณ{agent}มาก ๆ ที่ช่วยเร่งให้พัสดุมาถึงก่อนวันหยุด",
        "คุณ{agent}อธิบายใบแจ้งหนี้ได้ชัดเจนมาก ตอนนี้เข้าใจแล้ว ขอบคุณค่ะ",
        "ตอนแรกหงุดหงิดมาก แต่คุณ{agent}ใจเย็นและช่วยแก้ไขให้ได้ ประทับใจมากครับ",
        "คุณ{agent}โทรกลับมาตรงเวลาตามที่สัญญาไว้ บริการยอดเยี่ยม",
    ],
    "es": [
        "{agent} fue fantástica: paciente, amable y lo resolvió todo en una sola llamada.",
        "Muchas gracias a {agent}, que hizo todo lo posible para que mi paquete llegara a tiempo.",
        "{agent} me explicó la factura con mucha claridad. ¡Gracias!",
    ],
    "fr": [
        "{agent} a été formidable : patiente, aimable, et tout a été réglé en un seul appel.",
        "Un grand merci à {agent}, qui a tout fait pour que mon colis arrive avant le week-end.",
        "{agent} m'a expliqué la facture très clairement. Merci !",
    ],
}
PRAISE: dict[str, list[str]] = {
    "en": [
        "Quick, friendly and helpful. Exactly what I needed.",
        "Problem solved within minutes. Thank you!",
        "Very professional service, I will recommend you.",
        "Easy to reach and the answer was spot on.",
    ],
    "it": [
        "Veloci, cordiali e disponibili. Proprio quello che mi serviva.",
        "Problema risolto in pochi minuti. Grazie!",
        "Servizio molto professionale, vi consiglierò.",
    ],
    "de": [
        "Schnell, freundlich und hilfsbereit. Genau das, was ich brauchte.",
        "Problem in wenigen Minuten gelöst. Danke!",
        "Sehr professioneller Service, ich werde Sie weiterempfehlen.",
    ],
    "th": [
        "รวดเร็ว เป็นมิตร และช่วยเหลือดีมาก",
        "แก้ปัญหาได้ภายในไม่กี่นาที ขอบคุณครับ",
        "บริการเป็นมืออาชีพมาก จะแนะนำให้เพื่อน ๆ",
    ],
    "es": ["Rápidos, amables y eficaces. ¡Gracias!", "Problema resuelto en pocos minutos."],
    "fr": ["Rapide, aimable et efficace. Merci !", "Problème réglé en quelques minutes."],
}
NEUTRAL: dict[str, list[str]] = {
    "en": [
        "It was fine, but I had to explain my problem twice.",
        "Got there in the end, although it took a few days.",
        "OK overall. The hold music could be shorter.",
        "The answer was correct but a bit too generic.",
    ],
    "it": [
        "Tutto bene, ma ho dovuto spiegare il problema due volte.",
        "Alla fine è stato risolto, anche se ci sono voluti alcuni giorni.",
        "Nel complesso ok. L'attesa al telefono è stata un po' lunga.",
    ],
    "de": [
        "War in Ordnung, aber ich musste mein Problem zweimal erklären.",
        "Am Ende hat es geklappt, auch wenn es ein paar Tage gedauert hat.",
        "Insgesamt okay. Die Wartezeit am Telefon war etwas lang.",
    ],
    "th": [
        "โดยรวมโอเค แต่ต้องอธิบายปัญหาซ้ำสองรอบ",
        "แก้ไขได้ในที่สุด แม้จะใช้เวลาหลายวัน",
        "ก็ใช้ได้ แต่รอสายนานไปหน่อย",
    ],
    "es": ["Bien, aunque tuve que explicar el problema dos veces."],
    "fr": ["Correct, mais j'ai dû expliquer mon problème deux fois."],
}
COMPLAINT: dict[str, list[str]] = {
    "en": [
        "I waited over a week for a reply and my issue is still not fixed.",
        "Nobody called me back even though I was promised a call the same day.",
        "I was passed between three departments and had to repeat everything each time.",
        "The refund still hasn't arrived. This is unacceptable.",
        "The person on the phone was rude and didn't listen.",
        "Your website says one thing and your staff say another. Very confusing.",
    ],
    "it": [
        "Ho aspettato più di una settimana per una risposta e il problema non è ancora risolto.",
        "Nessuno mi ha richiamato, anche se mi avevano promesso una chiamata in giornata.",
        "Mi hanno passato fra tre reparti e ho dovuto ripetere tutto ogni volta.",
        "Il rimborso non è ancora arrivato. È inaccettabile.",
        "L'operatore è stato scortese e non mi ha ascoltato.",
    ],
    "de": [
        "Ich habe über eine Woche auf eine Antwort gewartet und mein Problem ist immer noch nicht gelöst.",
        "Niemand hat mich zurückgerufen, obwohl mir ein Rückruf am selben Tag versprochen wurde.",
        "Ich wurde zwischen drei Abteilungen hin- und hergeschickt und musste alles wiederholen.",
        "Die Erstattung ist immer noch nicht da. Das ist inakzeptabel.",
        "Der Mitarbeiter am Telefon war unhöflich und hat mir nicht zugehört.",
    ],
    "th": [
        "รอคำตอบนานกว่าหนึ่งสัปดาห์ และปัญหาก็ยังไม่ได้รับการแก้ไข",
        "ไม่มีใครโทรกลับเลย ทั้งที่สัญญาว่าจะโทรกลับภายในวันเดียวกัน",
        "ถูกโอนสายไปสามแผนก ต้องเล่าเรื่องซ้ำทุกครั้ง",
        "ยังไม่ได้รับเงินคืนเลย แบบนี้รับไม่ได้",
        "พนักงานที่รับสายพูดจาไม่สุภาพและไม่ฟังลูกค้า",
    ],
    "es": [
        "Esperé más de una semana una respuesta y el problema sigue sin resolverse.",
        "Nadie me devolvió la llamada, aunque me lo prometieron para el mismo día.",
    ],
    "fr": [
        "J'ai attendu plus d'une semaine une réponse et mon problème n'est toujours pas réglé.",
        "Personne ne m'a rappelé alors qu'on m'avait promis un appel le jour même.",
    ],
}
COMPLAINT_REASONS = {
    "waiting_time": 35,
    "not_resolved": 30,
    "communication": 15,
    "politeness": 10,
    "knowledge": 10,
}
# A leader's notes on a case, in the leader's language.
NOTES: dict[str, list[str]] = {
    "en": [
        "Called the customer, apologised and arranged a replacement.",
        "Refunded the shipping costs; the customer accepted.",
        "Reviewed the call with the agent; coaching booked for Thursday.",
    ],
    "it": [
        "Ho chiamato il cliente, mi sono scusato e ho organizzato una sostituzione.",
        "Rimborsate le spese di spedizione; il cliente ha accettato.",
        "Riascoltata la chiamata con l'agente; coaching fissato per giovedì.",
    ],
    "de": [
        "Kunden angerufen, entschuldigt und einen Ersatz veranlasst.",
        "Versandkosten erstattet; der Kunde war einverstanden.",
        "Das Gespräch mit dem Agenten nachbesprochen; Coaching für Donnerstag geplant.",
    ],
    "th": [
        "โทรหาลูกค้าเพื่อขอโทษ และจัดส่งสินค้าทดแทนให้แล้ว",
        "คืนค่าจัดส่งให้ลูกค้า ลูกค้ายอมรับ",
        "ทบทวนการสนทนากับพนักงาน นัดโค้ชชิ่งวันพฤหัสบดี",
    ],
}


def _weighted(rng: random.Random, weights: Sequence[tuple[T, int]]) -> T:
    return rng.choices([v for v, _w in weights], [w for _v, w in weights])[0]


def _pick(rng: random.Random, bank: dict[str, list[str]], language: str) -> str:
    return rng.choice(bank.get(language) or bank["en"])


def _nps(rng: random.Random, form: float) -> int:
    # Most service contacts go well; an agent's form shifts the odds either way.
    roll = rng.random() + form
    if roll > 0.45:
        return rng.choice([9, 9, 10, 10, 10])
    if roll > 0.2:
        return rng.choice([7, 8, 8])
    return rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 6, 6])


def _comment(rng: random.Random, nps: int, language: str, agent_name: str) -> str:
    if nps >= 9:
        if agent_name and rng.random() < 0.5:
            return _pick(rng, PRAISE_NAMED, language).format(agent=agent_name)
        return _pick(rng, PRAISE, language)
    if nps >= 7:
        return _pick(rng, NEUTRAL, language)
    return _pick(rng, COMPLAINT, language)


def _service_agents() -> list[Person]:
    agents = list(
        Person.objects.filter(
            is_generated=True,
            is_active=True,
            role=Role.AGENT,
            department__kind=DepartmentKind.SERVICE,
        ).select_related("reports_to", "team")
    )
    if agents:
        return agents
    return list(
        Person.objects.filter(is_generated=True, is_active=True, role=Role.AGENT).select_related(
            "reports_to", "team"
        )
    )


@transaction.atomic
def generate_feedback(rng: random.Random, *, days: int = 365) -> dict[str, int]:
    """A year (or `days`) of contacts, surveys and follow-ups, ending now. Returns the counts."""
    agents = _service_agents()
    customers = list(Customer.objects.filter(is_generated=True))
    counts = {"interactions": 0, "invitations": 0, "responses": 0, "follow_ups": 0}
    if not agents or not customers:
        return counts
    survey = ensure_default_survey()
    languages = survey_languages(survey)
    config = FeedbackSettings.load()
    now = timezone.now()
    form = {a.pk: rng.gauss(0, 0.12) for a in agents}

    interactions: list[Interaction] = []
    total = max(1, days * INTERACTIONS_PER_DAY)
    for n in range(total):
        created = now - dt.timedelta(seconds=rng.uniform(0, days * 86400))
        # Fewer contacts at the weekend: move most weekend ones to the Friday before.
        if created.weekday() >= 5 and rng.random() < 0.7:
            created -= dt.timedelta(days=created.weekday() - 4)
        channel = _weighted(rng, CHANNELS)
        agent = rng.choice(agents)
        customer = rng.choice(customers)
        typical, spread = FIRST_REPLY[channel]
        first = created + dt.timedelta(minutes=max(0.0, rng.gauss(typical, spread / 2)))
        resolve_hours = rng.lognormvariate(
            0.5 if channel in (Channel.CHAT, Channel.PHONE) else 2.5, 1
        )
        resolved: dt.datetime | None = first + dt.timedelta(hours=resolve_hours)
        status = InteractionStatus.CLOSED
        if resolved is not None and resolved > now:
            resolved, status = None, rng.choice([InteractionStatus.OPEN, InteractionStatus.PENDING])
        language = customer.locale if customer.locale in SUBJECTS else "en"
        interactions.append(
            Interaction(
                source=SOURCE,
                external_id=f"T-{100000 + n}",
                channel=channel,
                subject=rng.choice(SUBJECTS[language]),
                customer=customer,
                agent=agent,
                team_id=agent.team_id,
                priority=_weighted(rng, PRIORITIES),
                status=status,
                created_at=created,
                first_response_at=first if first <= now else None,
                resolved_at=resolved,
                handle_time_seconds=int(rng.uniform(120, 1800)),
                pending_seconds=int(rng.uniform(0, 3600 * resolve_hours * 0.3)),
                reopen_count=1 if rng.random() < 0.06 else 0,
                reply_count=rng.randint(1, 6),
                tags=rng.sample(TAGS, k=rng.randint(0, 2)),
                is_generated=True,
            )
        )
    interactions.sort(key=lambda i: i.created_at)
    Interaction.objects.bulk_create(interactions, batch_size=BATCH)
    InteractionCredit.objects.bulk_create(
        (
            InteractionCredit(
                interaction=i, person_id=i.agent_id, weight=1.0, replies=i.reply_count
            )
            for i in interactions
            if i.agent_id is not None
        ),
        batch_size=BATCH,
    )
    counts["interactions"] = len(interactions)

    # Invitations: about half of the resolved contacts with an email address were surveyed.
    by_agent = {a.pk: a for a in agents}
    invited: list[tuple[SurveyInvitation, Interaction, bool]] = []
    for interaction in interactions:
        invitee = interaction.customer
        if interaction.resolved_at is None or invitee is None or not invitee.email:
            continue
        if rng.random() > 0.55:
            continue
        sent = interaction.resolved_at + dt.timedelta(minutes=survey.send_delay_minutes)
        if sent > now:
            continue
        answered = rng.random() < 0.42
        responded_at = sent + dt.timedelta(minutes=rng.lognormvariate(4, 1.2))
        if responded_at > now:
            answered = False
        expires = sent + dt.timedelta(days=survey.link_valid_days)
        invitation_status = (
            InvitationStatus.RESPONDED
            if answered
            else InvitationStatus.EXPIRED
            if expires <= now
            else InvitationStatus.SENT
        )
        invited.append(
            (
                SurveyInvitation(
                    interaction=interaction,
                    survey=survey,
                    customer=invitee,
                    nonce=f"{rng.getrandbits(128):032x}",
                    language=pick_language(languages, invitee.locale),
                    status=invitation_status,
                    scheduled_for=sent,
                    sent_at=sent,
                    opened_at=responded_at if answered else None,
                    responded_at=responded_at if answered else None,
                    expires_at=expires,
                ),
                interaction,
                answered,
            )
        )
    SurveyInvitation.objects.bulk_create([i for i, _x, _a in invited], batch_size=BATCH)
    # `created_at` is auto_now_add, stamped now by bulk_create: date them when they were made.
    SurveyInvitation.objects.filter(interaction__is_generated=True, survey=survey).update(
        created_at=F("scheduled_for")
    )
    counts["invitations"] = len(invited)

    responses: list[SurveyResponse] = []
    for invitation, interaction, answered in invited:
        if not answered or interaction.agent_id is None:
            continue
        agent = by_agent[interaction.agent_id]
        nps = _nps(rng, form[agent.pk])
        csat = max(1, min(5, round(1 + nps * 0.4 + rng.gauss(0, 0.6))))
        ces = (
            max(1, min(7, round(1 + nps * 0.55 + rng.gauss(0, 0.8))))
            if rng.random() < 0.5
            else None
        )
        language = invitation.language
        comment = ""
        if rng.random() < (0.75 if nps <= 6 else 0.55):
            comment = _comment(rng, nps, language, agent.get_short_name())
        reasons: list[str] = []
        if nps <= 6:
            reasons = sorted(
                set(rng.choices(list(COMPLAINT_REASONS), list(COMPLAINT_REASONS.values()), k=2))
            )
        responses.append(
            SurveyResponse(
                source="everyweek",
                external_id=f"inv-{invitation.pk}",
                invitation=invitation,
                interaction=interaction,
                survey=survey,
                customer=interaction.customer,
                agent_id=interaction.agent_id,
                team_id=interaction.team_id,
                channel=interaction.channel,
                nps=nps,
                csat=csat,
                csat_scale=5,
                ces=ces,
                comment=comment,
                reason_codes=reasons,
                language=language,
                submitted_at=invitation.responded_at or now,
                is_generated=True,
            )
        )
    SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)
    SurveyResponse.objects.filter(is_generated=True).update(updated_at=F("submitted_at"))
    counts["responses"] = len(responses)
    counts["follow_ups"] = _follow_ups(rng, responses, by_agent, config, now)
    return counts


def _follow_ups(
    rng: random.Random,
    responses: list[SurveyResponse],
    agents: dict[int, Person],
    config: FeedbackSettings,
    now: dt.datetime,
) -> int:
    cases: list[FollowUpCase] = []
    opened: dict[int, dt.datetime] = {}
    for response in responses:
        unhappy_nps = response.nps is not None and response.nps <= config.nps_detractor_max
        unhappy_csat = response.csat is not None and response.csat <= config.csat_unhappy_max
        if not (unhappy_nps or unhappy_csat):
            continue
        agent = agents[response.agent_id] if response.agent_id else None
        owner = agent.reports_to if agent and agent.reports_to else agent
        start = response.submitted_at
        due = start + dt.timedelta(hours=config.follow_up_due_hours)
        age = now - start
        status, closed = FollowUpStatus.OPEN, None
        if age > dt.timedelta(days=5):
            roll = rng.random()
            if roll < 0.75:
                status = FollowUpStatus.RESOLVED
            elif roll < 0.9:
                status = FollowUpStatus.CLOSED
            else:
                status = FollowUpStatus.IN_PROGRESS
        elif rng.random() < 0.5:
            status = FollowUpStatus.IN_PROGRESS
        if status in (FollowUpStatus.RESOLVED, FollowUpStatus.CLOSED):
            closed = min(now, start + dt.timedelta(hours=rng.lognormvariate(3, 0.8)))
        escalated_to = None
        escalated_at = None
        if status in (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS) and due < now:
            escalated_to = owner.reports_to if owner else None
            escalated_at = due + dt.timedelta(minutes=15) if escalated_to else None
        case = FollowUpCase(
            response=response,
            reason=FollowUpReason.DETRACTOR if unhappy_nps else FollowUpReason.LOW_CSAT,
            agent=agent,
            owner=owner,
            status=status,
            due_at=due,
            closed_at=closed,
            escalated_to=escalated_to,
            escalated_at=escalated_at,
            outcome=_outcome(rng, owner) if status == FollowUpStatus.RESOLVED else "",
        )
        opened[id(case)] = start
        cases.append(case)
    FollowUpCase.objects.bulk_create(cases, batch_size=BATCH)
    # `opened_at` is auto_now_add, which bulk_create stamps with now: put the real dates back.
    for case in cases:
        case.opened_at = opened[id(case)]
    FollowUpCase.objects.bulk_update(cases, ["opened_at"], batch_size=BATCH)
    notes = [
        FollowUpNote(case=case, author=case.owner, text=_outcome(rng, case.owner))
        for case in cases
        if case.owner is not None and case.status != FollowUpStatus.OPEN and rng.random() < 0.6
    ]
    FollowUpNote.objects.bulk_create(notes, batch_size=BATCH)
    return len(cases)


def _outcome(rng: random.Random, owner: Person | None) -> str:
    language = owner.locale if owner is not None and owner.locale in NOTES else "en"
    return rng.choice(NOTES[language])


def delete_generated_feedback() -> int:
    """Remove generated interactions and responses; invitations, credits and cases go with them."""
    deleted = SurveyResponse.objects.filter(is_generated=True).delete()[0]
    deleted += Interaction.objects.filter(is_generated=True).delete()[0]
    return deleted
