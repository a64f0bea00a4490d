"""The demo site's content: the seed article from the WordPress site and posts written for the demo.

Bodies are lists of (block type, value) pairs, as StreamField accepts them.
"""

import datetime

AUTHORS = [
    ("klaus-schaefer", "Klaus Schäfer", "Redakteur für Wirtschaft und Regionalentwicklung in der Eifel."),
    ("maria-weber", "Maria Weber", "Schreibt über Kultur, Vereine und Ehrenamt zwischen Ahr und Mosel."),
    ("jonas-hoffmann", "Jonas Hoffmann", "Berichtet über Natur, Tourismus und Verkehr in der Vulkaneifel."),
]

CATEGORIES = [
    ("demographie", "Demographie", "Bevölkerung, Zuzug, Alter und Wandel in den Eifeldörfern."),
    ("sonstiges", "Sonstiges", "Was sonst noch in der Eifel geschieht."),
    ("wirtschaft", "Wirtschaft", "Betriebe, Arbeit und Förderung in der Region."),
    ("kultur", "Kultur", "Musik, Theater, Brauchtum und Vereinsleben."),
    ("natur", "Natur & Umwelt", "Maare, Wälder, Nationalpark und Klima."),
    ("verkehr", "Verkehr", "Bus, Bahn, Straßen und Radwege."),
]

SEED_SLUG = "vielfalt-in-den-zentren-von-klein-und-mittelstaedten"

SEED_POST = {
    "slug": SEED_SLUG,
    "title": (
        "Vielfalt in den Zentren von Klein- und Mittelstädten – sozialräumliche Integration, "
        "städtische Identität und gesellschaftliche Teilhabe"
    ),
    "date": datetime.date(2015, 9, 15),
    "authors": ["klaus-schaefer"],
    "categories": ["demographie", "sonstiges", "wirtschaft"],
    "intro": (
        "Das Difu sucht acht Klein- und Mittelstädte im ländlichen Raum für ein Forschungsprojekt zu Integration, "
        "städtischer Identität und Teilhabe. Interessensbekundungen sind bis zum 19. Oktober 2015 möglich."
    ),
    "body": [
        (
            "paragraph",
            "<p>Seit Juli 2015 bearbeitet das Difu ein Forschungsprojekt im Themenfeld Migration, Integration "
            "und Diversität. Der gezielte Forschungs-Praxis-Transfer im Themenfeld erfolgt mit finanzieller "
            "Unterstützung des Asyl-, Migrations- und Integrationsfonds (AMIF) der EU, des Bundesamtes für "
            "Migration und Flüchtlinge (BAMF) und des Hessischen Ministeriums für Soziales und Integration. "
            "Weitere Kooperationspartner sind der Deutsche Städte- und Gemeindebund und das "
            "Bundesministerium für Umwelt, Naturschutz, Bau und Reaktorsicherheit.</p>",
        ),
        (
            "paragraph",
            "<p>Im Zentrum des Projektes stehen Klein- und Mittelstädte im eher ländlich geprägten Raum, deren "
            "Innenstädte Funktionsverluste und einen vergleichsweise hohen Zuwandereranteil aufweisen. In "
            "seinen Zielsetzungen richtet es sich sowohl an die Zuwanderer – insbesondere "
            "Drittstaatenangehörige – als auch die Aufnahmegesellschaft. Ein besonderer Fokus wird auf die "
            "Bewohner der Innenstadtbereiche sowie auf die Akteursgruppen Kommunalverwaltung und kommunale "
            "Politik gelegt, da diese die Rahmenbedingungen setzen und durch ihr Handeln Prozesse der "
            "Integration befördern können. Hierbei soll darauf hingewirkt werden, integrationspolitische und "
            "stadtentwicklungspolitische Handlungsansätze zu verknüpfen. Durch das Zusammenspiel von baulich "
            "infrastrukturellen und sozial integrativen Maßnahmen und unter Beteiligung "
            "zivilgesellschaftlicher Akteure und Bewohnerschaft soll auf die sozialräumliche Integration, die "
            "Verbesserung der Teilhabechancen von Zuwanderern und die Entwicklung einer gemeinsamen "
            "städtischen Identität Einfluss genommen werden.</p>",
        ),
        (
            "paragraph",
            "<p>In das Forschungsprojekt sollen acht ausgewählte Kommunen einbezogen werden, die modellhaft für "
            "die Situation in den Klein- und Mittelstädten der ländlich strukturierten Regionen stehen. Um den "
            "Erfahrungsaustausch zu befördern, werden Netzwerktreffen und Workshops durchgeführt.</p>",
        ),
        (
            "paragraph",
            "<p>An der Projektteilnahme interessierte Kommunen mit einer Einwohnerzahl zwischen 10.000 bis "
            "50.000 sind herzlich eingeladen sich zu beteiligen. Interessensbekundungen können bis zum "
            "19. Oktober 2015 eingereicht werden. Nähere Informationen zum Interessensbekundungsverfahren "
            "sowie zu den Vorteilen, die für Kommunen mit einer Teilnahme verbunden sind, geben die "
            'Ansprechpartnerinnen für das Projekt: <a href="https://difu.de/">hier</a>.</p>',
        ),
        (
            "info_box",
            {
                "title": "Weitere Informationen",
                "text": "",
                "contacts": [
                    {
                        "name": "Dr. Bettina Reimann",
                        "phone": "030/39001-191",
                        "email": "reimann@difu.de",
                        "website": "",
                    },
                    {
                        "name": "Dipl.-Soz. Gudrun Kirchhoff",
                        "phone": "030/39001-192",
                        "email": "kirchhoff@difu.de",
                        "website": "",
                    },
                ],
            },
        ),
    ],
}


def _paragraphs(*texts):
    return [("paragraph", f"<p>{text}</p>") for text in texts]


DEMO_POSTS = [
    {
        "slug": "neue-buslinie-verbindet-daun-und-gerolstein",
        "title": "Neue Buslinie verbindet Daun und Gerolstein im Stundentakt",
        "date": datetime.date(2015, 10, 2),
        "authors": ["jonas-hoffmann"],
        "categories": ["verkehr"],
        "intro": "Ab Dezember fährt der Bus zwischen den beiden Kreisstädten jede Stunde – auch am Wochenende.",
        "body": [
            *_paragraphs(
                "Wer ohne Auto zwischen Daun und Gerolstein unterwegs ist, musste bisher oft lange warten. Mit dem "
                "Fahrplanwechsel im Dezember ändert sich das: Die neue Linie fährt werktags von 6 bis 21 Uhr im "
                "Stundentakt, am Wochenende alle zwei Stunden.",
                "Die Verbandsgemeinden hatten sich lange für die Verbindung eingesetzt. Besonders Schülerinnen und "
                "Schüler, Pendler und ältere Menschen sollen profitieren.",
            ),
            ("heading", {"text": "Anschluss an die Eifelstrecke", "size": "h2"}),
            *_paragraphs(
                "In Gerolstein sind die Abfahrtszeiten auf die Züge nach Köln und Trier abgestimmt. Fahrkarten gelten "
                "im gesamten Verbundgebiet."
            ),
        ],
    },
    {
        "slug": "maarfest-in-schalkenmehren",
        "title": "Maarfest in Schalkenmehren lockt Tausende ans Wasser",
        "date": datetime.date(2015, 8, 24),
        "authors": ["maria-weber"],
        "categories": ["kultur", "sonstiges"],
        "intro": "Musik, Handwerk und Boote aus Pappe: Das Dorf am Maar feierte drei Tage lang.",
        "body": [
            *_paragraphs(
                "Schon am Freitagabend war die Wiese am Ufer voll. Die Musikvereine aus Schalkenmehren und "
                "Mehren eröffneten das Fest, danach spielte eine Band aus Wittlich bis in die Nacht.",
                "Höhepunkt war am Sonntag die Regatta der Pappboote: Elf Teams traten an, sieben erreichten das Ziel "
                "trocken.",
            ),
            ("quote", {"text": "So viele Besucher hatten wir noch nie.", "attribution": "Ortsbürgermeister"}),
        ],
    },
    {
        "slug": "handwerksbetriebe-suchen-auszubildende",
        "title": "Handwerksbetriebe in der Eifel suchen Auszubildende",
        "date": datetime.date(2015, 9, 3),
        "authors": ["klaus-schaefer"],
        "categories": ["wirtschaft", "demographie"],
        "intro": "Viele Lehrstellen bleiben unbesetzt. Betriebe und Kammer werben mit neuen Ideen um junge Leute.",
        "body": _paragraphs(
            "Zum Beginn des Ausbildungsjahres sind in den Kreisen Vulkaneifel und Bitburg-Prüm noch mehr als "
            "hundert Lehrstellen frei, vor allem im Bau- und Lebensmittelhandwerk.",
            "Die Handwerkskammer setzt auf Praktika in den Ferien und auf Betriebsbesuche der Schulen. Einige "
            "Betriebe bieten ihren Auszubildenden inzwischen einen Zuschuss zum Führerschein an.",
            "Der demografische Wandel verschärft die Lage: Die Zahl der Schulabgänger ist in zehn Jahren um fast "
            "ein Viertel gesunken.",
        ),
    },
    {
        "slug": "wanderwege-im-nationalpark-neu-markiert",
        "title": "Wanderwege im Naturpark neu markiert",
        "date": datetime.date(2015, 7, 18),
        "authors": ["jonas-hoffmann"],
        "categories": ["natur"],
        "intro": "Ehrenamtliche Wegepaten haben über 200 Kilometer Wege neu beschildert.",
        "body": _paragraphs(
            "Mit Pinsel, Farbe und neuen Schildern waren die Wegepaten des Eifelvereins den ganzen Frühling "
            "unterwegs. Jetzt sind die Rundwege rund um die Maare wieder durchgehend markiert.",
            "Wer unterwegs beschädigte Schilder entdeckt, kann sie der Ortsgruppe melden.",
        ),
    },
    {
        "slug": "dorfladen-in-uexheim-eroeffnet",
        "title": "Dorfladen in Üxheim eröffnet – getragen von einer Genossenschaft",
        "date": datetime.date(2015, 9, 28),
        "authors": ["maria-weber", "klaus-schaefer"],
        "categories": ["wirtschaft", "demographie"],
        "intro": "Über 150 Bürgerinnen und Bürger haben Anteile gezeichnet, damit es im Ort wieder Brot und Milch gibt.",
        "body": _paragraphs(
            "Zehn Jahre lang gab es in Üxheim kein Geschäft mehr. Seit Samstag verkauft der Dorfladen Lebensmittel, "
            "Zeitungen und Produkte von Höfen aus der Umgebung.",
            "Die Genossenschaft beschäftigt zwei Teilzeitkräfte; Ehrenamtliche helfen beim Einräumen und beim "
            "Lieferdienst für ältere Menschen.",
        ),
    },
    {
        "slug": "glasfaser-fuer-vierzig-orte",
        "title": "Glasfaser für vierzig Orte: Ausbau beginnt im Frühjahr",
        "date": datetime.date(2015, 9, 10),
        "authors": ["klaus-schaefer"],
        "categories": ["wirtschaft"],
        "intro": "Bund und Land fördern den Breitbandausbau im Kreis mit mehreren Millionen Euro.",
        "body": _paragraphs(
            "Schnelles Internet ist für Betriebe und Familien auf dem Land längst ein Standortfaktor. Der Kreis hat "
            "den Zuschlag für den geförderten Ausbau erhalten.",
            "Die Bauarbeiten sollen im Frühjahr beginnen und zwei Jahre dauern. Anschlüsse in den Häusern sind während "
            "der Bauphase kostenlos.",
        ),
    },
    {
        "slug": "theatergruppe-probt-fuer-die-winterbuehne",
        "title": "Theatergruppe probt für die Winterbühne",
        "date": datetime.date(2015, 9, 20),
        "authors": ["maria-weber"],
        "categories": ["kultur"],
        "intro": "Zwölf Laienspielerinnen und -spieler bringen eine Komödie in Eifeler Platt auf die Bühne.",
        "body": _paragraphs(
            "Zweimal pro Woche wird im Bürgerhaus geprobt. Die Premiere ist für Anfang Dezember geplant, "
            "Karten gibt es ab November im Vorverkauf.",
            "Der Erlös geht in diesem Jahr an den Förderverein der Grundschule.",
        ),
    },
    {
        "slug": "junge-familien-ziehen-aufs-land",
        "title": "Junge Familien ziehen wieder aufs Land",
        "date": datetime.date(2015, 8, 30),
        "authors": ["klaus-schaefer", "maria-weber"],
        "categories": ["demographie"],
        "intro": "Günstige Bauplätze und gute Kitas machen kleine Gemeinden wieder attraktiv.",
        "body": _paragraphs(
            "Nach Jahren des Rückgangs melden einige Gemeinden wieder mehr Zuzüge als Wegzüge. Vor allem Familien "
            "mit kleinen Kindern entscheiden sich für die Eifel.",
            "Bürgermeisterinnen und Bürgermeister betonen, dass Betreuung, Schule und Internet dabei wichtiger sind "
            "als der Preis des Grundstücks.",
        ),
    },
    {
        "slug": "radweg-auf-alter-bahntrasse-freigegeben",
        "title": "Radweg auf alter Bahntrasse freigegeben",
        "date": datetime.date(2015, 6, 27),
        "authors": ["jonas-hoffmann"],
        "categories": ["verkehr", "natur"],
        "intro": "Auf der ehemaligen Bahnstrecke rollen jetzt Fahrräder statt Züge – mit sanften Steigungen.",
        "body": _paragraphs(
            "Der neue Abschnitt ist 14 Kilometer lang und führt über zwei restaurierte Viadukte. "
            "Rastplätze mit Infotafeln erzählen die Geschichte der Bahnlinie.",
            "Zur Eröffnung kamen mehrere hundert Radlerinnen und Radler.",
        ),
    },
]

IMPRESSUM = (
    "<h2>Angaben gemäß § 5 DDG</h2>"
    "<p>WIR. LEBEN. EIFEL. – Redaktion<br/>Musterstraße 1<br/>54550 Daun</p>"
    "<h2>Kontakt</h2><p>E-Mail: redaktion@example.org</p>"
    "<h2>Verantwortlich für den Inhalt</h2><p>Die Redaktion (Anschrift wie oben).</p>"
    "<p>Dies ist eine Demo-Installation; bitte ersetzen Sie diese Angaben durch die echten.</p>"
)

DATENSCHUTZ = (
    "<h2>Was wir speichern</h2>"
    "<p>Wenn Sie einen Kommentar schreiben, speichern wir den Kommentar, den angegebenen Namen, die "
    "E-Mail-Adresse, die optionale Website, den Zeitpunkt und eine gekürzte IP-Adresse (bei IPv4 wird das "
    "letzte Byte, bei IPv6 werden die letzten 80 Bit auf Null gesetzt). Wir speichern keine Browserkennung "
    "(User-Agent).</p>"
    "<h2>Wozu</h2>"
    "<p>Name, Kommentar und Website werden nach der Freischaltung veröffentlicht. Die E-Mail-Adresse wird nie "
    "veröffentlicht, auch nicht als Prüfsumme oder Avatar; sie dient nur der Moderation und der Kontaktaufnahme "
    "bei Rückfragen. Die gekürzte IP-Adresse dient der Abwehr von Missbrauch (Spam, zu schnelles Kommentieren) "
    "und wird nach einer festen Frist gelöscht.</p>"
    "<h2>Im Browser</h2>"
    "<p>Nur wenn Sie es beim Kommentieren ausdrücklich ankreuzen, merkt sich Ihr Browser Name, E-Mail-Adresse "
    "und Website für den nächsten Kommentar (im lokalen Speicher des Browsers, nicht auf unserem Server). Ein "
    "signiertes Cookie zeigt Ihnen Ihren eigenen, noch nicht freigeschalteten Kommentar für kurze Zeit an.</p>"
    "<h2>Keine Dritten</h2>"
    "<p>Die Seiten laden keine Skripte, Schriften, Bilder oder Zähler von fremden Servern. Die Teilen-Links sind "
    "einfache Links; erst ein Klick darauf führt zum jeweiligen Dienst.</p>"
    "<p>Gegen Spam löst Ihr Browser beim Kommentieren eine kleine Rechenaufgabe (ALTCHA), die von unserem "
    "eigenen Server kommt; dafür werden keine Angaben über Sie gespeichert oder an Dritte übermittelt. "
    "Ohne JavaScript prüft die Redaktion Ihren Kommentar, bevor er erscheint.</p>"
    "<p>Nur wenn wir stattdessen Google reCAPTCHA (Google Ireland Limited) einsetzen, bietet das "
    "Kommentarformular eine Schaltfläche „reCAPTCHA laden (Google)“ an. Erst nach Ihrem Klick darauf "
    "erhält Google Ihre IP-Adresse und Angaben zu Ihrem Browser, um automatisierte Kommentare zu erkennen; "
    "Ihr Kommentar und Ihre E-Mail-Adresse werden nicht an Google übermittelt.</p>"
    "<h2>Ihre Rechte</h2>"
    "<p>Sie können Auskunft über Ihre gespeicherten Kommentare verlangen und deren Löschung oder "
    "Anonymisierung. Schreiben Sie dazu an die im Impressum genannte Adresse.</p>"
)
