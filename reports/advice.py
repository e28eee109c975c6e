"""Prevention advice by crime category, in Spanish (es-PE) and English.

The advice is report content, not interface text: it is copied into each report when the
report is generated, so a published report never changes when this file or a translation
does. That is why it lives here in both languages rather than in the gettext catalogue.
"""

from __future__ import annotations

Advice = dict[str, tuple[str, ...]]

ADVICE: dict[str, Advice] = {
    "robo": {
        "es": (
            "Evite mostrar el celular, joyas o dinero en la calle y en los paraderos; lleve el "
            "celular en un bolsillo interior.",
            "Retire dinero en cajeros dentro de agencias o centros comerciales y no lo cuente "
            "en público.",
            "Tome taxis por aplicación o de empresas registradas, anote la placa antes de subir "
            "y comparta su ruta con alguien de confianza.",
            "De noche, camine por calles iluminadas y concurridas, y evite las zonas despobladas.",
            "Si lo asaltan, no oponga resistencia: su vida vale más que sus cosas. Llame al 105, "
            "denuncie en la comisaría y bloquee su celular con su operador.",
        ),
        "en": (
            "Keep your phone, jewellery and cash out of sight in the street and at bus stops; "
            "carry the phone in an inside pocket.",
            "Withdraw cash from machines inside bank branches or shopping centres and never "
            "count it in public.",
            "Use app-based or registered taxis, note the plate before getting in and share your "
            "route with someone you trust.",
            "At night, walk along lit, busy streets and avoid deserted areas.",
            "If you are robbed, do not resist: your life is worth more than your belongings. "
            "Call 105, report it at the police station and have your operator block the phone.",
        ),
    },
    "hurto": {
        "es": (
            "No deje bolsos, mochilas ni celulares sin vigilancia en mercados, combis y "
            "restaurantes.",
            "En el transporte público lleve la mochila adelante y la cartera cerrada y pegada "
            "al cuerpo.",
            "Estacione en lugares vigilados, no deje objetos a la vista dentro del vehículo y "
            "use traba de timón.",
            "Cierre puertas y ventanas al salir y acuerde con sus vecinos cuidar las casas de "
            "quienes se ausentan.",
            "Anote el número de serie y el IMEI de sus equipos: ayuda a recuperarlos.",
        ),
        "en": (
            "Do not leave bags, backpacks or phones unattended in markets, minibuses and "
            "restaurants.",
            "On public transport wear your backpack in front and keep your bag closed and "
            "close to your body.",
            "Park in guarded places, leave nothing visible inside the vehicle and use a "
            "steering-wheel lock.",
            "Lock doors and windows when you go out and agree with your neighbours to watch "
            "the homes of those who are away.",
            "Write down the serial number and IMEI of your devices: it helps to recover them.",
        ),
    },
    "homicidio": {
        "es": (
            "Ante una discusión o una pelea, aléjese y no responda a provocaciones; llame al 105.",
            "No porte armas: convierten una discusión en una tragedia.",
            "Si sabe de amenazas contra alguien, denúncielas en la comisaría o llamando al 105.",
            "Apoye los programas de deporte, cultura y empleo para jóvenes de su barrio.",
            "Con la junta vecinal y el serenazgo, recuperen parques y losas: los espacios "
            "iluminados y ocupados alejan la violencia.",
        ),
        "en": (
            "Faced with an argument or a fight, walk away and do not answer provocations; call "
            "105.",
            "Do not carry weapons: they turn an argument into a tragedy.",
            "If you know of threats against someone, report them at the police station or by "
            "calling 105.",
            "Support sport, culture and job programmes for young people in your neighbourhood.",
            "Together with the neighbourhood board and the municipal security service, reclaim "
            "parks and sports courts: lit, busy places keep violence away.",
        ),
    },
    "lesiones": {
        "es": (
            "Evite discusiones en la vía pública y en reuniones con alcohol; retírese a tiempo.",
            "Si presencia una agresión, no intervenga con las manos: llame al 105 o al serenazgo.",
            "Modere el consumo de alcohol y nunca maneje después de beber.",
            "Si sufre una agresión, acuda a un centro de salud y a la comisaría: el certificado "
            "médico legal es clave para su denuncia.",
        ),
        "en": (
            "Avoid arguments in the street and at gatherings with alcohol; leave in time.",
            "If you witness an assault, do not step in physically: call 105 or the municipal "
            "security service.",
            "Drink in moderation and never drive after drinking.",
            "If you are assaulted, go to a health centre and to the police station: the "
            "forensic medical certificate is key to your complaint.",
        ),
    },
    "extorsion": {
        "es": (
            "No pague ni negocie con extorsionadores: denuncie de inmediato en la comisaría o "
            "llamando al 105.",
            "No publique en redes sociales datos de su negocio, su familia, sus horarios o sus "
            "bienes.",
            "Desconfíe de llamadas que piden dinero a nombre de un familiar en apuros o de una "
            "autoridad: cuelgue y verifique llamando usted.",
            "Guarde los mensajes, números y audios de las amenazas: son pruebas.",
            "Entre comerciantes, organícense y denuncien juntos: la extorsión se debilita "
            "cuando nadie paga en silencio.",
        ),
        "en": (
            "Do not pay or negotiate with extortionists: report it at once at the police "
            "station or by calling 105.",
            "Do not post details of your business, family, schedule or property on social media.",
            "Distrust calls asking for money on behalf of a relative in trouble or of an "
            "authority: hang up and check by calling yourself.",
            "Keep the messages, numbers and recordings of threats: they are evidence.",
            "Shop owners, organise and report together: extortion weakens when nobody pays in "
            "silence.",
        ),
    },
    "microcomercializacion_drogas": {
        "es": (
            "Informe a la comisaría o al 105 sobre puntos de venta de drogas; puede pedir que "
            "su identidad se mantenga en reserva.",
            "Converse con sus hijos sobre los riesgos de las drogas y conozca a sus amistades.",
            "Participe en las actividades de la junta vecinal para recuperar parques y losas "
            "deportivas.",
            "Si alguien de su familia necesita ayuda por consumo de drogas, busque orientación "
            "en un centro de salud mental comunitario.",
        ),
        "en": (
            "Tell the police station or 105 about drug-selling spots; you may ask for your "
            "identity to be kept confidential.",
            "Talk with your children about the risks of drugs and get to know their friends.",
            "Join the neighbourhood board's activities to reclaim parks and sports courts.",
            "If someone in your family needs help with drug use, seek guidance at a community "
            "mental health centre.",
        ),
    },
    "tenencia_ilegal_armas": {
        "es": (
            "Si ve a alguien armado o sabe de armas escondidas, aléjese y avise al 105.",
            "No compre ni guarde armas sin licencia de la Sucamec: es delito y pone en riesgo a "
            "su familia.",
            "Si tiene un arma con licencia, guárdela descargada y bajo llave, lejos de niños y "
            "adolescentes.",
        ),
        "en": (
            "If you see someone armed or know of hidden weapons, move away and call 105.",
            "Do not buy or keep weapons without a Sucamec licence: it is a crime and puts your "
            "family at risk.",
            "If you own a licensed weapon, store it unloaded and locked, away from children and "
            "teenagers.",
        ),
    },
    "danos": {
        "es": (
            "Ilumine fachadas y cocheras: la luz y las cámaras desalientan el vandalismo.",
            "Repare y limpie pronto los daños y las pintas: un entorno cuidado desalienta "
            "nuevos ataques.",
            "Coordine con la municipalidad y el serenazgo la vigilancia de parques y espacios "
            "públicos.",
            "Tome fotos de los daños antes de repararlos y denúncielos.",
        ),
        "en": (
            "Light up façades and garages: light and cameras discourage vandalism.",
            "Repair and clean damage and graffiti quickly: a cared-for place discourages new "
            "attacks.",
            "Agree with the municipality and its security service on watching parks and public "
            "spaces.",
            "Photograph the damage before repairing it, and report it.",
        ),
    },
    "estafa": {
        "es": (
            "Nunca comparta claves, códigos de verificación ni datos de sus tarjetas por "
            "teléfono, mensaje o redes sociales: su banco no se los pedirá.",
            "Desconfíe de ofertas demasiado buenas, premios o préstamos fáciles que piden un "
            "pago adelantado.",
            "Antes de alquilar o comprar, verifique la identidad del vendedor y la propiedad en "
            "Sunarp.",
            "Si le piden dinero con urgencia a nombre de un familiar, cuelgue y llame usted a "
            "ese familiar.",
            "Si fue víctima, bloquee sus tarjetas con su banco de inmediato y denuncie.",
        ),
        "en": (
            "Never share passwords, verification codes or card details by phone, message or "
            "social media: your bank will not ask for them.",
            "Distrust offers that are too good, prizes or easy loans that ask for a payment in "
            "advance.",
            "Before renting or buying, check the seller's identity and the property at Sunarp.",
            "If someone urgently asks for money on behalf of a relative, hang up and call that "
            "relative yourself.",
            "If you were a victim, have your bank block your cards at once, and report it.",
        ),
    },
    "otros": {
        "es": (
            "Conozca a sus vecinos y participe en la junta vecinal y en las reuniones de "
            "seguridad ciudadana de su municipalidad.",
            "Guarde en su celular los números de emergencia y el del serenazgo de su distrito.",
        ),
        "en": (
            "Get to know your neighbours and take part in the neighbourhood board and in your "
            "municipality's community safety meetings.",
            "Save the emergency numbers and your district's municipal security number in your "
            "phone.",
        ),
    },
}

GENERAL: Advice = {
    "es": (
        "Denuncie siempre, aunque lo robado sea poco: cada denuncia ayuda a decidir dónde y "
        "cuándo patrullar.",
        "Organícese con sus vecinos: las juntas vecinales coordinan con la comisaría y el "
        "serenazgo.",
    ),
    "en": (
        "Always report a crime, even a small one: every report helps decide where and when to "
        "patrol.",
        "Organise with your neighbours: neighbourhood boards work with the police station and "
        "the municipal security service.",
    ),
}

# Numbers valid across Peru: police, firefighters, and the free helpline of the Ministry of
# Women (Línea 100). Shown in every report, whatever its data, so they reveal nothing.
EMERGENCY: Advice = {
    "es": (
        "Policía Nacional: 105",
        "Bomberos: 116",
        "Línea 100 (gratuita, atención a víctimas de violencia contra la mujer y la familia)",
    ),
    "en": (
        "National Police: 105",
        "Firefighters: 116",
        "Línea 100 (free helpline for victims of violence against women and families)",
    ),
}

MAX_CATEGORIES_WITH_ADVICE = 3


def advice_for(codes: list[str]) -> list[dict[str, object]]:
    """Advice for up to three categories, in the order given, each in both languages.

    Choose ``codes`` from counts that the report shows: choosing by hidden counts would
    reveal them.
    """
    chosen = [code for code in codes if code in ADVICE][:MAX_CATEGORIES_WITH_ADVICE]
    if not chosen:
        chosen = ["robo", "hurto"]
    return [
        {"code": code, "es": list(ADVICE[code]["es"]), "en": list(ADVICE[code]["en"])}
        for code in chosen
    ]
