"""The ideas library: practices from the seed articles as ready-made programme items.

This is content, not interface text, so it lives here in four languages rather than in the
gettext catalogue: organisers add an idea in the language of their programme, and the
event keeps that text (they can edit it afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES = ("en", "it", "de", "th")


@dataclass(frozen=True)
class IdeaText:
    title: str
    description: str
    extra: str = ""  # the sign-up policy or the contest brief


@dataclass(frozen=True)
class Idea:
    key: str
    hour: int
    minutes: int
    audience: str
    # What else the idea needs: a sign-up "sheet", an "essay" or "costume" contest,
    # a "coverage" rota, or nothing.
    adds: str
    texts: dict[str, IdeaText] = field(default_factory=dict)

    def text(self, language: str) -> IdeaText:
        return self.texts.get(language[:2]) or self.texts["en"]


IDEAS: list[Idea] = [
    Idea(
        "potluck",
        0,
        24 * 60,
        "everyone",
        "sheet",
        {
            "en": IdeaText(
                "24-hour potluck",
                "Fresh food arrives all day and night, from midnight to midnight, for every shift.",
                "Bring as much as you take.",
            ),
            "it": IdeaText(
                "Potluck di 24 ore",
                "Cibo fresco arriva tutto il giorno e tutta la notte, da mezzanotte a mezzanotte, per ogni turno.",
                "Porta tanto quanto prendi.",
            ),
            "de": IdeaText(
                "24-Stunden-Potluck",
                "Frisches Essen kommt den ganzen Tag und die ganze Nacht, von Mitternacht bis Mitternacht, für jede Schicht.",
                "Bring so viel mit, wie du nimmst.",
            ),
            "th": IdeaText(
                "ปาร์ตี้อาหาร 24 ชั่วโมง",
                "อาหารสดมาถึงตลอดทั้งวันทั้งคืน ตั้งแต่เที่ยงคืนถึงเที่ยงคืน สำหรับทุกกะ",
                "นำมาเท่ากับที่คุณรับไป",
            ),
        },
    ),
    Idea(
        "costume",
        14,
        90,
        "everyone",
        "costume",
        {
            "en": IdeaText(
                "Costume contest: your favourite TV family",
                "Teams dress up as a TV family; a panel of judges picks the winner, who wins a team lunch.",
                "Enter as a team, with a photo and the name of your TV family.",
            ),
            "it": IdeaText(
                "Concorso in costume: la tua famiglia TV preferita",
                "Le squadre si travestono da famiglia televisiva; una giuria sceglie la vincitrice, che vince un pranzo di squadra.",
                "Partecipa come squadra, con una foto e il nome della tua famiglia TV.",
            ),
            "de": IdeaText(
                "Kostümwettbewerb: deine liebste TV-Familie",
                "Teams verkleiden sich als TV-Familie; eine Jury wählt das Siegerteam, das ein Teamessen gewinnt.",
                "Nehmt als Team teil, mit einem Foto und dem Namen eurer TV-Familie.",
            ),
            "th": IdeaText(
                "ประกวดแต่งกาย: ครอบครัวทีวีที่คุณชอบ",
                "ทีมแต่งตัวเป็นครอบครัวในละครทีวี คณะกรรมการเลือกผู้ชนะ ซึ่งจะได้รับอาหารกลางวันสำหรับทีม",
                "สมัครเป็นทีม พร้อมรูปถ่ายและชื่อครอบครัวทีวีของคุณ",
            ),
        },
    ),
    Idea(
        "essay",
        9,
        60,
        "everyone",
        "essay",
        {
            "en": IdeaText(
                "Essay: what great service means to me",
                "Everyone writes a short essay; leaders pick the best, and the department pulls ideas from all of them to improve service in the coming months.",
                "A short essay on what the service mission and great customer service mean to you.",
            ),
            "it": IdeaText(
                "Tema: cosa significa per me un ottimo servizio",
                "Ognuno scrive un breve tema; i responsabili scelgono i migliori e il reparto ne trae idee per migliorare il servizio nei mesi successivi.",
                "Un breve tema su cosa significano per te la missione di servizio e un ottimo servizio clienti.",
            ),
            "de": IdeaText(
                "Aufsatz: Was großartiger Service für mich bedeutet",
                "Alle schreiben einen kurzen Aufsatz; die Führungskräfte wählen die besten, und die Abteilung zieht aus allen Ideen, um den Service in den kommenden Monaten zu verbessern.",
                "Ein kurzer Aufsatz darüber, was die Servicemission und großartiger Kundenservice für dich bedeuten.",
            ),
            "th": IdeaText(
                "เรียงความ: บริการที่ยอดเยี่ยมมีความหมายต่อฉันอย่างไร",
                "ทุกคนเขียนเรียงความสั้น ๆ ผู้นำเลือกเรื่องที่ดีที่สุด และแผนกนำความคิดจากทุกเรื่องมาปรับปรุงบริการในเดือนต่อ ๆ ไป",
                "เรียงความสั้น ๆ ว่าพันธกิจด้านบริการและการบริการลูกค้าที่ยอดเยี่ยมมีความหมายต่อคุณอย่างไร",
            ),
        },
    ),
    Idea(
        "sponsor",
        9,
        30,
        "everyone",
        "",
        {
            "en": IdeaText(
                "Sponsor a day",
                "Another department sponsors a day and tells the service team how it helps them: a lunch, vouchers or personal notes.",
                "",
            ),
            "it": IdeaText(
                "Sponsorizza una giornata",
                "Un altro reparto sponsorizza una giornata e racconta al team di servizio come lo aiuta: un pranzo, buoni o biglietti personali.",
                "",
            ),
            "de": IdeaText(
                "Einen Tag sponsern",
                "Eine andere Abteilung sponsert einen Tag und sagt dem Serviceteam, wie es ihr hilft: ein Mittagessen, Gutscheine oder persönliche Notizen.",
                "",
            ),
            "th": IdeaText(
                "สนับสนุนหนึ่งวัน",
                "แผนกอื่นสนับสนุนหนึ่งวันและบอกทีมบริการว่าช่วยพวกเขาอย่างไร เช่น อาหารกลางวัน บัตรของขวัญ หรือข้อความส่วนตัว",
                "",
            ),
        },
    ),
    Idea(
        "time_out",
        13,
        180,
        "service",
        "coverage",
        {
            "en": IdeaText(
                "Take a time-out",
                "Colleagues from other departments take the queue while the service team goes out together and talks about what went well this year and what to do better.",
                "",
            ),
            "it": IdeaText(
                "Prenditi una pausa",
                "Colleghi di altri reparti coprono la coda mentre il team di servizio esce insieme e parla di cosa è andato bene quest'anno e cosa migliorare.",
                "",
            ),
            "de": IdeaText(
                "Eine Auszeit nehmen",
                "Kolleginnen und Kollegen aus anderen Abteilungen übernehmen die Warteschlange, während das Serviceteam gemeinsam hinausgeht und bespricht, was dieses Jahr gut lief und was besser werden soll.",
                "",
            ),
            "th": IdeaText(
                "พักสักครู่",
                "เพื่อนร่วมงานจากแผนกอื่นรับคิวแทน ขณะที่ทีมบริการออกไปด้วยกันและพูดคุยว่าปีนี้อะไรทำได้ดีและอะไรควรทำให้ดีขึ้น",
                "",
            ),
        },
    ),
    Idea(
        "tips",
        8,
        15,
        "everyone",
        "",
        {
            "en": IdeaText(
                "A service tip every day",
                "The service team emails a tip to the whole company each day, then hands out a booklet of tips for the rest of the year.",
                "",
            ),
            "it": IdeaText(
                "Un consiglio di servizio al giorno",
                "Il team di servizio invia ogni giorno un consiglio a tutta l'azienda, poi distribuisce un libretto di consigli per il resto dell'anno.",
                "",
            ),
            "de": IdeaText(
                "Jeden Tag ein Service-Tipp",
                "Das Serviceteam schickt jeden Tag einen Tipp an das ganze Unternehmen und verteilt danach eine Broschüre mit Tipps für den Rest des Jahres.",
                "",
            ),
            "th": IdeaText(
                "เคล็ดลับการบริการทุกวัน", "ทีมบริการส่งอีเมลเคล็ดลับให้ทั้งบริษัททุกวัน แล้วแจกคู่มือเคล็ดลับไว้ใช้ตลอดปี", ""
            ),
        },
    ),
    Idea(
        "hunt",
        9,
        8 * 60,
        "everyone",
        "",
        {
            "en": IdeaText(
                "Hidden-item hunt",
                "Items are hidden around the office; each one found earns raffle tickets for the drawing at the end of the week.",
                "",
            ),
            "it": IdeaText(
                "Caccia agli oggetti nascosti",
                "Oggetti nascosti in ufficio; ognuno trovato vale biglietti per l'estrazione a fine settimana.",
                "",
            ),
            "de": IdeaText(
                "Suche nach versteckten Dingen",
                "Im Büro sind Dinge versteckt; jedes gefundene bringt Lose für die Verlosung am Ende der Woche.",
                "",
            ),
            "th": IdeaText(
                "ล่าหาของที่ซ่อนไว้",
                "มีของซ่อนอยู่ทั่วสำนักงาน ทุกชิ้นที่พบจะได้ตั๋วจับรางวัลสำหรับการจับฉลากตอนท้ายสัปดาห์",
                "",
            ),
        },
    ),
    Idea(
        "surprise",
        9,
        30,
        "service",
        "",
        {
            "en": IdeaText(
                "Surprise customers",
                "Every fifth customer served this week gets a mug, and every customer contacted this year a thank-you card.",
                "",
            ),
            "it": IdeaText(
                "Sorprendi i clienti",
                "Ogni quinto cliente servito questa settimana riceve una tazza, e ogni cliente contattato quest'anno un biglietto di ringraziamento.",
                "",
            ),
            "de": IdeaText(
                "Kunden überraschen",
                "Jeder fünfte Kunde, der diese Woche betreut wird, bekommt eine Tasse, und jeder Kunde, mit dem wir dieses Jahr Kontakt hatten, eine Dankeskarte.",
                "",
            ),
            "th": IdeaText(
                "เซอร์ไพรส์ลูกค้า",
                "ลูกค้าทุกคนที่ห้าที่ได้รับบริการในสัปดาห์นี้จะได้แก้วกาแฟ และลูกค้าทุกคนที่ติดต่อในปีนี้จะได้การ์ดขอบคุณ",
                "",
            ),
        },
    ),
    Idea(
        "shirt_swap",
        10,
        30,
        "service",
        "",
        {
            "en": IdeaText(
                "T-shirt swap with customers",
                "Customers send shirts with their logo for the team to wear; the team sends the same number back with a photo and a big thank-you.",
                "",
            ),
            "it": IdeaText(
                "Scambio di magliette con i clienti",
                "I clienti inviano magliette con il loro logo che il team indossa; il team ne rimanda altrettante con una foto e un grande grazie.",
                "",
            ),
            "de": IdeaText(
                "T-Shirt-Tausch mit Kunden",
                "Kunden schicken Shirts mit ihrem Logo, die das Team trägt; das Team schickt gleich viele zurück, mit einem Foto und einem großen Dankeschön.",
                "",
            ),
            "th": IdeaText(
                "แลกเสื้อยืดกับลูกค้า",
                "ลูกค้าส่งเสื้อที่มีโลโก้ของตนมาให้ทีมใส่ ทีมส่งเสื้อจำนวนเท่ากันกลับไปพร้อมรูปถ่ายและคำขอบคุณ",
                "",
            ),
        },
    ),
    Idea(
        "dare",
        16,
        30,
        "everyone",
        "",
        {
            "en": IdeaText(
                "Stretch goals and a leader's dare",
                "The team sets higher goals for the week; if they are met, a leader does something outrageous, such as working from the roof.",
                "",
            ),
            "it": IdeaText(
                "Obiettivi sfidanti e la scommessa del capo",
                "Il team fissa obiettivi più alti per la settimana; se vengono raggiunti, un responsabile fa qualcosa di stravagante, come lavorare dal tetto.",
                "",
            ),
            "de": IdeaText(
                "Höhere Ziele und die Wette der Führungskraft",
                "Das Team setzt sich höhere Ziele für die Woche; werden sie erreicht, tut eine Führungskraft etwas Verrücktes, etwa vom Dach aus arbeiten.",
                "",
            ),
            "th": IdeaText(
                "เป้าหมายท้าทายและคำท้าของผู้นำ",
                "ทีมตั้งเป้าหมายที่สูงขึ้นสำหรับสัปดาห์นี้ หากทำได้ ผู้นำจะทำสิ่งที่แปลกใหม่ เช่น ทำงานบนดาดฟ้า",
                "",
            ),
        },
    ),
    Idea(
        "thank_you_video",
        15,
        60,
        "service",
        "",
        {
            "en": IdeaText(
                "Sit back and hear how good you are",
                "Popcorn and a screen: recorded thank-you messages from leaders and key customers, then a film.",
                "",
            ),
            "it": IdeaText(
                "Rilassati e ascolta quanto sei bravo",
                "Popcorn e uno schermo: messaggi di ringraziamento registrati da responsabili e clienti importanti, poi un film.",
                "",
            ),
            "de": IdeaText(
                "Zurücklehnen und hören, wie gut ihr seid",
                "Popcorn und eine Leinwand: aufgezeichnete Dankesbotschaften von Führungskräften und wichtigen Kunden, danach ein Film.",
                "",
            ),
            "th": IdeaText(
                "นั่งพักและฟังว่าคุณเก่งแค่ไหน",
                "ป๊อปคอร์นและจอภาพ: ข้อความขอบคุณที่บันทึกไว้จากผู้นำและลูกค้าคนสำคัญ แล้วตามด้วยภาพยนตร์",
                "",
            ),
        },
    ),
    Idea(
        "open_house",
        10,
        120,
        "everyone",
        "",
        {
            "en": IdeaText(
                "Open house",
                "The service department gives tours and lets colleagues listen in on calls; top leaders thank each person for specific work.",
                "",
            ),
            "it": IdeaText(
                "Porte aperte",
                "Il reparto di servizio organizza visite e fa ascoltare le chiamate ai colleghi; i vertici ringraziano ciascuno per un lavoro specifico.",
                "",
            ),
            "de": IdeaText(
                "Tag der offenen Tür",
                "Die Serviceabteilung führt herum und lässt Kollegen bei Anrufen mithören; die Unternehmensleitung dankt jeder Person für konkrete Arbeit.",
                "",
            ),
            "th": IdeaText(
                "วันเปิดบ้าน",
                "แผนกบริการพาชมและให้เพื่อนร่วมงานฟังการรับสาย ผู้บริหารระดับสูงขอบคุณแต่ละคนสำหรับงานที่เฉพาะเจาะจง",
                "",
            ),
        },
    ),
    Idea(
        "suppliers",
        17,
        60,
        "leaders",
        "",
        {
            "en": IdeaText(
                "Honour your suppliers",
                "A note or a small reception for the suppliers and partners who help you succeed.",
                "",
            ),
            "it": IdeaText(
                "Onora i tuoi fornitori",
                "Una nota o un piccolo ricevimento per i fornitori e i partner che vi aiutano ad avere successo.",
                "",
            ),
            "de": IdeaText(
                "Lieferanten würdigen",
                "Eine Notiz oder ein kleiner Empfang für die Lieferanten und Partner, die zu eurem Erfolg beitragen.",
                "",
            ),
            "th": IdeaText(
                "ให้เกียรติซัพพลายเออร์",
                "ข้อความหรืองานเลี้ยงเล็ก ๆ สำหรับซัพพลายเออร์และพันธมิตรที่ช่วยให้คุณประสบความสำเร็จ",
                "",
            ),
        },
    ),
]

_BY_KEY = {idea.key: idea for idea in IDEAS}


def get(key: str) -> Idea | None:
    return _BY_KEY.get(key)
