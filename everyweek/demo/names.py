"""Name lists for the demo organisation: compact, common names per language, no external data.

Thai names are (romanised, Thai script) pairs: staff directories use the romanised form,
customers often give their name in Thai. Thai colleagues go by a nickname (ชื่อเล่น).
"""

from __future__ import annotations

# fmt: off
# language -> (female first names, male first names, family names)
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("Emma", "Olivia", "Amelia", "Charlotte", "Sophie", "Grace", "Hannah", "Emily",
         "Jessica", "Lucy", "Rachel", "Megan", "Sarah", "Katherine", "Elizabeth", "Chloe"),
        ("James", "Oliver", "Jack", "Harry", "George", "Thomas", "Daniel", "William",
         "Samuel", "Joseph", "Michael", "Robert", "David", "Ryan", "Matthew", "Nathan"),
        ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
         "Evans", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Clarke",
         "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Cooper", "Ward", "Bennett"),
    ),
    "it": (
        ("Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessandra",
         "Elena", "Federica", "Silvia", "Laura", "Paola", "Giorgia", "Elisa", "Roberta"),
        ("Marco", "Luca", "Giuseppe", "Francesco", "Alessandro", "Andrea", "Matteo",
         "Lorenzo", "Davide", "Simone", "Federico", "Stefano", "Massimiliano", "Riccardo",
         "Paolo"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
         "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
         "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro",
         "D'Angelo", "Galli"),
    ),
    "de": (
        ("Anna", "Lena", "Katharina", "Sophie", "Julia", "Laura", "Lea", "Hannah", "Marie",
         "Sabine", "Claudia", "Stefanie", "Jana", "Franziska", "Elisabeth"),
        ("Lukas", "Jonas", "Felix", "Maximilian", "Tobias", "Stefan", "Michael", "Andreas",
         "Thomas", "Jürgen", "Matthias", "Florian", "Sebastian", "Johannes", "Niklas"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
         "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Köhler", "Huber",
         "Gruber"),
    ),
    "es": (
        ("María", "Lucía", "Carmen", "Sofía", "Paula", "Elena", "Laura", "Marta", "Ana",
         "Isabel"),
        ("Javier", "Carlos", "Pablo", "Alejandro", "Diego", "Miguel", "Sergio", "Manuel",
         "Daniel", "Antonio"),
        ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
         "Pérez", "Gómez", "Martín", "Ruiz", "Díaz", "Moreno", "Álvarez"),
    ),
    "fr": (
        ("Camille", "Léa", "Manon", "Chloé", "Inès", "Juliette", "Claire", "Sophie",
         "Élodie", "Margaux"),
        ("Louis", "Hugo", "Lucas", "Théo", "Antoine", "Nicolas", "Julien", "Mathieu",
         "Pierre", "Thomas"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
         "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garnier", "Rousseau"),
    ),
}

THAI_FEMALE: tuple[tuple[str, str], ...] = (
    ("Siriporn", "ศิริพร"), ("Kanokwan", "กนกวรรณ"), ("Pimchanok", "พิมพ์ชนก"),
    ("Apinya", "อภิญญา"), ("Wanida", "วนิดา"), ("Rattana", "รัตนา"), ("Pornthip", "พรทิพย์"),
    ("Sasithorn", "ศศิธร"), ("Jiraporn", "จิราพร"), ("Naree", "นารี"), ("Chayanin", "ชญานิน"),
    ("Supaporn", "สุภาพร"), ("Duangjai", "ดวงใจ"), ("Patcharee", "พัชรี"),
)
THAI_MALE: tuple[tuple[str, str], ...] = (
    ("Somchai", "สมชาย"), ("Nattapong", "ณัฐพงศ์"), ("Thanawat", "ธนวัฒน์"),
    ("Kittisak", "กิตติศักดิ์"), ("Supachai", "ศุภชัย"), ("Anucha", "อนุชา"), ("Panya", "ปัญญา"),
    ("Worawit", "วรวิทย์"), ("Thanakorn", "ธนากร"), ("Arthit", "อาทิตย์"), ("Prasert", "ประเสริฐ"),
    ("Chaiwat", "ชัยวัฒน์"), ("Wichai", "วิชัย"), ("Pongsak", "พงศ์ศักดิ์"),
)
THAI_FAMILY: tuple[tuple[str, str], ...] = (
    ("Srisuk", "ศรีสุข"), ("Chaiyaporn", "ไชยพร"), ("Wongsawat", "วงศ์สวัสดิ์"),
    ("Saetang", "แซ่ตั้ง"), ("Rattanakorn", "รัตนากร"), ("Boonmee", "บุญมี"),
    ("Thongchai", "ธงชัย"), ("Kaewkham", "แก้วคำ"), ("Phromma", "พรหมมา"),
    ("Sukprasert", "สุขประเสริฐ"), ("Chanthara", "จันทรา"), ("Suwannarat", "สุวรรณรัตน์"),
    ("Charoenphon", "เจริญผล"), ("Intharasuk", "อินทรสุข"), ("Pongpanich", "พงษ์พานิช"),
    ("Siriwat", "ศิริวัฒน์"), ("Kongkaew", "ก้องแก้ว"), ("Jaidee", "ใจดี"),
)
THAI_NICKNAMES_FEMALE = ("Mai", "Nok", "Ploy", "Fah", "Aom", "Noon", "Pim", "Joy", "Mint",
                         "Kwan", "Nam", "Fern", "Gift", "Bee", "Ice")
THAI_NICKNAMES_MALE = ("Beam", "Ton", "Golf", "Bank", "Pond", "Boss", "Arm", "Art", "Tle",
                       "Earth", "Film", "Tum", "Big", "Nut", "Off")

# Short forms colleagues use; applied to about half of the people who have one.
SHORT_FORMS = {
    "Giuseppe": "Beppe", "Massimiliano": "Max", "Alessandra": "Ale", "Federico": "Fede",
    "Francesca": "Fra", "Katharina": "Kathi", "Maximilian": "Max", "Johannes": "Jo",
    "Elisabeth": "Lisa", "William": "Will", "Elizabeth": "Beth", "Robert": "Rob",
    "Katherine": "Kate", "Samuel": "Sam", "Matthew": "Matt",
}

# Small businesses that buy from us, by the customer's language.
COMPANIES: dict[str, tuple[str, ...]] = {
    "en": ("Greenfield Dental", "Harbour Lights Hotel", "Northside Books", "Maple & Finch Ltd",
           "Riverside Vets", "Blue Door Bakery", "Summit Fitness", "Oakwood Lettings"),
    "it": ("Trattoria Da Gino", "Ferramenta Rossi", "Studio Bianchi & Associati",
           "Hotel Belvedere", "Farmacia Centrale", "Pasticceria Dolce Vita", "Ottica Moretti"),
    "de": ("Bäckerei Huber", "Autohaus Schneider GmbH", "Praxis Dr. Weber", "Hotel Alpenblick",
           "Weber & Söhne KG", "Buchhandlung Lange", "Café Sonnenschein"),
    "th": ("Siam Trading Co., Ltd.", "Baan Suan Resort", "Chiang Mai Coffee House",
           "Krungthep Logistics", "Sukhumvit Dental Clinic", "Lanna Crafts"),
    "es": ("Café Central", "Ferretería López", "Hotel Mirador", "Clínica Dental Sonrisa"),
    "fr": ("Boulangerie Dupont", "Hôtel du Parc", "Cabinet Martin", "Librairie des Arts"),
}

# Customer address domains: all under the reserved .example top-level domain (RFC 2606).
MAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "en": ("mail.example", "inbox.example"),
    "it": ("posta.example", "mail.example"),
    "de": ("post.example", "mail.example"),
    "th": ("mail.example", "inbox.example"),
    "es": ("correo.example", "mail.example"),
    "fr": ("courriel.example", "mail.example"),
}
# fmt: on
