"""Default survey wording in six languages, written once so a fresh install asks good questions.

These are content, not interface strings: `ensure_default_survey()` copies them into SurveyText
rows that admins then edit per language, so they are deliberately not wrapped in gettext.
"""

from __future__ import annotations

REASON_CODES = ["waiting_time", "politeness", "knowledge", "not_resolved", "communication"]

DEFAULT_TEXTS: dict[str, dict[str, object]] = {
    "en": {
        "intro": (
            "Thank you for contacting us. A few quick questions about the help you received: "
            "it takes less than a minute."
        ),
        "nps_question": "How likely are you to recommend us to a friend or colleague?",
        "csat_question": "How satisfied are you with the help you received?",
        "ces_question": "How easy was it to get your issue resolved?",
        "comment_question": "What is the main reason for your answer? What could we do better?",
        "thank_you": (
            "Thank you! Your answer helps the team serve you better. You can change it at any "
            "time with the same link."
        ),
        "reason_labels": {
            "waiting_time": "Waiting time",
            "politeness": "Friendliness",
            "knowledge": "Knowledge of the person who helped me",
            "not_resolved": "My issue was not resolved",
            "communication": "Clarity of the explanation",
        },
    },
    "it": {
        "intro": (
            "Grazie per averci contattato. Qualche domanda veloce sull'assistenza che hai "
            "ricevuto: ci vuole meno di un minuto."
        ),
        "nps_question": "Quanto è probabile che ci consigli a un amico o a un collega?",
        "csat_question": "Qual è il tuo livello di soddisfazione per l'assistenza ricevuta?",
        "ces_question": "Quanto è stato facile risolvere il tuo problema?",
        "comment_question": (
            "Qual è il motivo principale della tua risposta? Che cosa potremmo fare meglio?"
        ),
        "thank_you": (
            "Grazie! La tua risposta aiuta il team a servirti meglio. Puoi modificarla quando "
            "vuoi con lo stesso link."
        ),
        "reason_labels": {
            "waiting_time": "Tempo di attesa",
            "politeness": "Cortesia",
            "knowledge": "Competenza di chi mi ha aiutato",
            "not_resolved": "Il mio problema non è stato risolto",
            "communication": "Chiarezza delle spiegazioni",
        },
    },
    "de": {
        "intro": (
            "Vielen Dank für Ihre Anfrage. Ein paar kurze Fragen zu der Hilfe, die Sie "
            "erhalten haben: Das dauert weniger als eine Minute."
        ),
        "nps_question": (
            "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?"
        ),
        "csat_question": "Wie zufrieden sind Sie mit der Hilfe, die Sie erhalten haben?",
        "ces_question": "Wie einfach war es, Ihr Anliegen zu lösen?",
        "comment_question": (
            "Was ist der wichtigste Grund für Ihre Antwort? Was könnten wir besser machen?"
        ),
        "thank_you": (
            "Vielen Dank! Ihre Antwort hilft dem Team, Sie besser zu unterstützen. Mit "
            "demselben Link können Sie sie jederzeit ändern."
        ),
        "reason_labels": {
            "waiting_time": "Wartezeit",
            "politeness": "Freundlichkeit",
            "knowledge": "Fachwissen der Person, die mir geholfen hat",
            "not_resolved": "Mein Anliegen wurde nicht gelöst",
            "communication": "Verständlichkeit der Erklärung",
        },
    },
    "th": {
        "intro": ("ขอบคุณที่ติดต่อเรา ขอเชิญตอบคำถามสั้น ๆ เกี่ยวกับความช่วยเหลือที่คุณได้รับ ใช้เวลาไม่ถึงหนึ่งนาที"),
        "nps_question": "คุณมีแนวโน้มจะแนะนำเราให้เพื่อนหรือเพื่อนร่วมงานมากน้อยเพียงใด",
        "csat_question": "คุณพึงพอใจกับความช่วยเหลือที่ได้รับมากน้อยเพียงใด",
        "ces_question": "การแก้ไขปัญหาของคุณง่ายเพียงใด",
        "comment_question": "เหตุผลหลักของคำตอบนี้คืออะไร มีอะไรที่เราควรปรับปรุงบ้าง",
        "thank_you": ("ขอบคุณ! คำตอบของคุณช่วยให้ทีมบริการคุณได้ดียิ่งขึ้น คุณแก้ไขคำตอบได้ทุกเมื่อด้วยลิงก์เดิม"),
        "reason_labels": {
            "waiting_time": "เวลารอคอย",
            "politeness": "ความเป็นมิตร",
            "knowledge": "ความรู้ของผู้ที่ให้ความช่วยเหลือ",
            "not_resolved": "ปัญหาของฉันยังไม่ได้รับการแก้ไข",
            "communication": "ความชัดเจนของคำอธิบาย",
        },
    },
    "es": {
        "intro": (
            "Gracias por contactarnos. Unas preguntas rápidas sobre la ayuda que recibiste: "
            "te llevará menos de un minuto."
        ),
        "nps_question": "¿Qué probabilidad hay de que nos recomiendes a un amigo o colega?",
        "csat_question": "¿Cuál es tu grado de satisfacción con la ayuda recibida?",
        "ces_question": "¿Qué tan fácil fue resolver tu problema?",
        "comment_question": "¿Cuál es el motivo principal de tu respuesta? ¿Qué podríamos mejorar?",
        "thank_you": (
            "¡Gracias! Tu respuesta ayuda al equipo a atenderte mejor. Puedes cambiarla cuando "
            "quieras con el mismo enlace."
        ),
        "reason_labels": {
            "waiting_time": "Tiempo de espera",
            "politeness": "Amabilidad",
            "knowledge": "Conocimientos de quien me atendió",
            "not_resolved": "Mi problema no se resolvió",
            "communication": "Claridad de la explicación",
        },
    },
    "fr": {
        "intro": (
            "Merci de nous avoir contactés. Quelques questions rapides sur l'aide que vous avez "
            "reçue : cela prend moins d'une minute."
        ),
        "nps_question": (
            "Quelle est la probabilité que vous nous recommandiez à un ami ou à un collègue ?"
        ),
        "csat_question": "Quel est votre niveau de satisfaction concernant l'aide reçue ?",
        "ces_question": "Dans quelle mesure a-t-il été facile de résoudre votre problème ?",
        "comment_question": (
            "Quelle est la principale raison de votre réponse ? Que pourrions-nous améliorer ?"
        ),
        "thank_you": (
            "Merci ! Votre réponse aide l'équipe à mieux vous servir. Vous pouvez la modifier "
            "à tout moment avec le même lien."
        ),
        "reason_labels": {
            "waiting_time": "Temps d'attente",
            "politeness": "Amabilité",
            "knowledge": "Compétence de la personne qui m'a aidé",
            "not_resolved": "Mon problème n'a pas été résolu",
            "communication": "Clarté des explications",
        },
    },
}

# Sent by a leader after following up: one satisfaction question and a comment.
RECOVERY_TEXTS: dict[str, dict[str, object]] = {
    "en": {
        "intro": "We recently followed up on your feedback. We would like to know how you feel now.",
        "csat_question": "How satisfied are you now with how we handled your issue?",
        "comment_question": "Is there anything else you would like us to know?",
        "thank_you": "Thank you for giving us a second chance.",
    },
    "it": {
        "intro": (
            "Di recente ti abbiamo ricontattato dopo il tuo feedback. Vorremmo sapere come "
            "va adesso."
        ),
        "csat_question": "Quanto sei soddisfatto ora di come abbiamo gestito il tuo problema?",
        "comment_question": "C'è qualcos'altro che vorresti farci sapere?",
        "thank_you": "Grazie per averci dato una seconda possibilità.",
    },
    "de": {
        "intro": (
            "Wir haben uns kürzlich wegen Ihrer Rückmeldung bei Ihnen gemeldet. Wir möchten "
            "gern wissen, wie es Ihnen jetzt damit geht."
        ),
        "csat_question": "Wie zufrieden sind Sie jetzt damit, wie wir Ihr Anliegen behandelt haben?",
        "comment_question": "Gibt es noch etwas, das wir wissen sollten?",
        "thank_you": "Vielen Dank, dass Sie uns eine zweite Chance geben.",
    },
    "th": {
        "intro": "เมื่อเร็ว ๆ นี้เราได้ติดตามความคิดเห็นของคุณ เราอยากทราบว่าตอนนี้คุณรู้สึกอย่างไร",
        "csat_question": "ตอนนี้คุณพึงพอใจกับวิธีที่เราจัดการปัญหาของคุณมากน้อยเพียงใด",
        "comment_question": "มีอะไรอื่นที่คุณอยากให้เราทราบอีกไหม",
        "thank_you": "ขอบคุณที่ให้โอกาสเราอีกครั้ง",
    },
    "es": {
        "intro": (
            "Hace poco nos pusimos en contacto contigo por tu opinión. Nos gustaría saber "
            "cómo te sientes ahora."
        ),
        "csat_question": "¿Qué tan satisfecho estás ahora con cómo gestionamos tu problema?",
        "comment_question": "¿Hay algo más que quieras contarnos?",
        "thank_you": "Gracias por darnos una segunda oportunidad.",
    },
    "fr": {
        "intro": (
            "Nous avons récemment repris contact avec vous suite à votre avis. Nous aimerions "
            "savoir ce que vous en pensez maintenant."
        ),
        "csat_question": (
            "Quel est maintenant votre niveau de satisfaction sur la façon dont nous avons "
            "traité votre problème ?"
        ),
        "comment_question": "Y a-t-il autre chose que vous aimeriez nous dire ?",
        "thank_you": "Merci de nous avoir donné une seconde chance.",
    },
}
