"""The notice to customers while colleagues from other departments cover the queue.

Customers read it in their own language, which may be one the interface does not offer,
so the six texts live here as content. `{day}`, `{start}` and `{end}` are filled in with
the date and times in the customers' zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import formats, translation
from django.utils.html import escape

NOTICE_LANGUAGES = ("en", "it", "de", "th", "es", "fr")

TEXTS: dict[str, tuple[str, str]] = {
    "en": (
        "Service may be a little slower on {day}",
        "It is Customer Service Week, and on {day} from {start} to {end} our service team is "
        "taking a short time-out together. Colleagues from other departments will answer your "
        "calls and emails, so service may be a little slower. Thank you for your patience!",
    ),
    "it": (
        "Il servizio potrebbe essere un po' più lento il {day}",
        "È la Settimana del servizio clienti e il {day} dalle {start} alle {end} il nostro team "
        "di servizio si prende una breve pausa insieme. Colleghi di altri reparti risponderanno "
        "alle vostre chiamate ed e-mail, quindi il servizio potrebbe essere un po' più lento. "
        "Grazie per la pazienza!",
    ),
    "de": (
        "Am {day} kann der Service etwas langsamer sein",
        "Es ist Customer Service Week, und am {day} von {start} bis {end} nimmt sich unser "
        "Serviceteam gemeinsam eine kurze Auszeit. Kolleginnen und Kollegen aus anderen "
        "Abteilungen beantworten Ihre Anrufe und E-Mails, daher kann der Service etwas "
        "langsamer sein. Vielen Dank für Ihre Geduld!",
    ),
    "th": (
        "บริการอาจช้าลงเล็กน้อยในวันที่ {day}",
        "นี่คือสัปดาห์แห่งการบริการลูกค้า ในวันที่ {day} เวลา {start} ถึง {end} ทีมบริการของเรา"
        "จะพักสั้น ๆ ด้วยกัน เพื่อนร่วมงานจากแผนกอื่นจะรับสายและตอบอีเมลของคุณ "
        "บริการจึงอาจช้าลงเล็กน้อย ขอบคุณสำหรับความอดทนของคุณ!",
    ),
    "es": (
        "El servicio puede ser un poco más lento el {day}",
        "Es la Semana del Servicio al Cliente y el {day} de {start} a {end} nuestro equipo de "
        "servicio se toma un breve descanso juntos. Compañeros de otros departamentos "
        "atenderán sus llamadas y correos, por lo que el servicio puede ser un poco más lento. "
        "¡Gracias por su paciencia!",
    ),
    "fr": (
        "Le service pourrait être un peu plus lent le {day}",
        "C'est la Semaine du service client et le {day}, de {start} à {end}, notre équipe de "
        "service prend une courte pause ensemble. Des collègues d'autres services répondront "
        "à vos appels et e-mails ; le service pourrait donc être un peu plus lent. "
        "Merci de votre patience !",
    ),
}


@dataclass(frozen=True)
class Notice:
    language: str
    subject: str
    text: str
    banner_html: str


def language_for(locale: str) -> str:
    """The notice language for a customer's locale ("pt-BR" has none and gets English)."""
    primary = (locale or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in TEXTS else "en"


def safe_zone(zone: str) -> str:
    """The zone if it exists, else UTC: a customer record from an import may carry anything."""
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return zone


def notice(start: dt.datetime, end: dt.datetime, language: str, zone: str = "UTC") -> Notice:
    language = language if language in TEXTS else "en"
    tz = zoneinfo.ZoneInfo(zone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    with translation.override(language):
        values = {
            "day": formats.date_format(local_start.date(), "DATE_FORMAT"),
            "start": local_start.strftime("%H:%M"),
            "end": local_end.strftime("%H:%M"),
        }
    subject, body = (part.format(**values) for part in TEXTS[language])
    banner = (
        f'<div class="ew-service-notice" lang="{language}" role="status" '
        'style="padding:.75rem 1rem;background:#fff4d6;border-left:4px solid #b7791f;'
        'font-family:sans-serif">'
        f"<strong>{escape(subject)}</strong><br>{escape(body)}</div>"
    )
    return Notice(language, subject, body, banner)


def notices(start: dt.datetime, end: dt.datetime, zone: str = "UTC") -> list[Notice]:
    return [notice(start, end, language, zone) for language in NOTICE_LANGUAGES]
