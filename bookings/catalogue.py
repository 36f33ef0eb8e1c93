"""The service catalogue Mila starts with (loaded by a data migration and by seed_demo).

``price`` is integer Rappen for a Friend covering ``duration_minutes`` (7900 = CHF 79.00); Pros
get the markup from bookings.pricing. ``pro_only`` services are booked with Pros only.
Texts: Swiss standard German (no sharp s, "Sie"), Swiss French ("vous"), Swiss Italian
(formal "lei", as in the rest of the site) and English.
"""

CATEGORIES = [
    {
        "slug": "internet-wifi",
        "position": 10,
        "name": {
            "de": "Internet & WLAN",
            "fr": "Internet & Wi-Fi",
            "it": "Internet & Wi-Fi",
            "en": "Internet & Wi-Fi",
        },
        "description": {
            "de": "Damit Internet und WLAN in Ihrem ganzen Zuhause zuverlässig funktionieren.",
            "fr": "Pour qu'Internet et le Wi-Fi fonctionnent bien partout chez vous.",
            "it": "Perché Internet e Wi-Fi funzionino bene in tutta la casa.",
            "en": "So that your internet and Wi-Fi work reliably all around your home.",
        },
    },
    {
        "slug": "tv-streaming",
        "position": 20,
        "name": {
            "de": "TV & Streaming",
            "fr": "TV & streaming",
            "it": "TV & streaming",
            "en": "TV & streaming",
        },
        "description": {
            "de": (
                "Fernseher, Sender und Streaming-Apps so eingerichtet, dass Sie einfach losschauen "
                "können."
            ),
            "fr": (
                "Téléviseur, chaînes et applis de streaming, réglés pour que vous puissiez "
                "simplement regarder."
            ),
            "it": (
                "Televisore, canali e app di streaming, impostati perché lei possa semplicemente "
                "guardare."
            ),
            "en": (
                "Your TV, channels and streaming apps set up so you can simply sit back and watch."
            ),
        },
    },
    {
        "slug": "computer-printer",
        "position": 30,
        "name": {
            "de": "Computer & Drucker",
            "fr": "Ordinateur & imprimante",
            "it": "Computer & stampante",
            "en": "Computer & printer",
        },
        "description": {
            "de": (
                "Hilfe, wenn der Computer langsam ist, ein neues Gerät kommt oder der Drucker "
                "streikt."
            ),
            "fr": (
                "De l'aide quand l'ordinateur est lent, quand un nouvel appareil arrive ou quand "
                "l'imprimante fait des siennes."
            ),
            "it": (
                "Un aiuto quando il computer è lento, arriva un apparecchio nuovo o la stampante "
                "non vuole saperne."
            ),
            "en": (
                "Help when your computer is slow, a new one arrives or the printer refuses to "
                "cooperate."
            ),
        },
    },
    {
        "slug": "smartphone-tablet",
        "position": 40,
        "name": {
            "de": "Handy & Tablet",
            "fr": "Smartphone & tablette",
            "it": "Smartphone & tablet",
            "en": "Smartphone & tablet",
        },
        "description": {
            "de": (
                "Ihr Handy oder Tablet eingerichtet und so erklärt, dass Sie sich damit wohlfühlen."
            ),
            "fr": (
                "Votre smartphone ou votre tablette, installés et expliqués pour que vous vous y "
                "sentiez à l'aise."
            ),
            "it": (
                "Il suo smartphone o tablet, configurato e spiegato in modo che si senta a suo "
                "agio."
            ),
            "en": (
                "Your phone or tablet set up and explained so that you feel comfortable using it."
            ),
        },
    },
    {
        "slug": "smart-home",
        "position": 50,
        "name": {
            "de": "Smart Home",
            "fr": "Maison connectée",
            "it": "Casa intelligente",
            "en": "Smart home",
        },
        "description": {
            "de": (
                "Lampen, Lautsprecher, Thermostate und Türklingeln, die Ihnen den Alltag etwas "
                "leichter machen."
            ),
            "fr": (
                "Lampes, haut-parleurs, thermostats et sonnettes qui vous simplifient un peu le "
                "quotidien."
            ),
            "it": (
                "Luci, altoparlanti, termostati e campanelli che le rendono la vita di tutti i "
                "giorni un po' più semplice."
            ),
            "en": (
                "Lights, speakers, thermostats and doorbells that make everyday life at home a "
                "little easier."
            ),
        },
    },
    {
        "slug": "data-security",
        "position": 60,
        "name": {
            "de": "Daten & Sicherheit",
            "fr": "Données & sécurité",
            "it": "Dati & sicurezza",
            "en": "Data & security",
        },
        "description": {
            "de": (
                "Damit Ihre Fotos und Daten gut aufgehoben sind und Sie sich besser vor Betrug "
                "schützen können."
            ),
            "fr": (
                "Pour que vos photos et vos données soient en lieu sûr et pour mieux vous protéger "
                "des arnaques."
            ),
            "it": (
                "Perché le sue foto e i suoi dati siano al sicuro e lei possa proteggersi meglio "
                "dalle truffe."
            ),
            "en": (
                "Keeping your photos and data safe and helping you protect yourself against scams."
            ),
        },
    },
    {
        "slug": "lessons",
        "position": 70,
        "name": {
            "de": "Lektionen",
            "fr": "Cours",
            "it": "Lezioni",
            "en": "Lessons",
        },
        "description": {
            "de": (
                "Geduldige Lektionen bei Ihnen zu Hause, in Ihrem Tempo und mit Ihren eigenen "
                "Geräten."
            ),
            "fr": "Des cours patients chez vous, à votre rythme et avec vos propres appareils.",
            "it": "Lezioni pazienti a casa sua, al suo ritmo e con i suoi apparecchi.",
            "en": "Patient lessons at home, at your own pace and on your own devices.",
        },
    },
]

SERVICES = [
    {
        "slug": "wifi-setup",
        "category": "internet-wifi",
        "position": 10,
        "duration_minutes": 60,
        "price": 7900,
        "pro_only": False,
        "name": {
            "de": "WLAN einrichten",
            "fr": "Installer le Wi-Fi",
            "it": "Configurare il Wi-Fi",
            "en": "Set up Wi-Fi",
        },
        "summary": {
            "de": "Router anschliessen, WLAN absichern und alle Ihre Geräte verbinden.",
            "fr": "Brancher le routeur, sécuriser le Wi-Fi et connecter tous vos appareils.",
            "it": "Collegare il router, proteggere il Wi-Fi e connettere tutti i suoi apparecchi.",
            "en": "Connect the router, secure the Wi-Fi and get all your devices online.",
        },
        "description": {
            "de": (
                "Ihr Helfer schliesst den Router an, gibt Ihrem WLAN einen eindeutigen Namen und "
                "ein sicheres Passwort und verbindet Handy, Tablet, Computer und Fernseher. Das "
                "Passwort schreibt er Ihnen gut lesbar auf. Bitte legen Sie die Unterlagen Ihres "
                "Internetanbieters bereit."
            ),
            "fr": (
                "Votre dépanneur branche le routeur, donne à votre Wi-Fi un nom clair et un mot de "
                "passe sûr, puis y connecte smartphone, tablette, ordinateur et téléviseur. Il "
                "vous note le mot de passe de manière bien lisible. Merci de préparer les "
                "documents de votre fournisseur d'accès à Internet."
            ),
            "it": (
                "Il suo aiutante collega il router, dà al Wi-Fi un nome chiaro e una password "
                "sicura e vi collega smartphone, tablet, computer e televisore. Le scrive la "
                "password in modo ben leggibile. La preghiamo di tenere a portata di mano i "
                "documenti del suo fornitore Internet."
            ),
            "en": (
                "Your helper connects the router, gives your Wi-Fi a clear name and a safe "
                "password, and connects your phone, tablet, computer and TV. They write the "
                "password down for you in large, clear letters. Please have the papers from your "
                "internet provider ready."
            ),
        },
    },
    {
        "slug": "wifi-boost",
        "category": "internet-wifi",
        "position": 20,
        "duration_minutes": 90,
        "price": 11900,
        "pro_only": False,
        "name": {
            "de": "WLAN verstärken",
            "fr": "Renforcer le Wi-Fi",
            "it": "Rafforzare il Wi-Fi",
            "en": "Improve weak Wi-Fi",
        },
        "summary": {
            "de": "Besserer Empfang in allen Zimmern, mit Verstärker oder Mesh-System.",
            "fr": "Un meilleur signal dans toutes les pièces, avec un répéteur ou un système mesh.",
            "it": "Un segnale migliore in tutte le stanze, con un ripetitore o un sistema mesh.",
            "en": "Better Wi-Fi in every room, with a repeater or a mesh system.",
        },
        "description": {
            "de": (
                "Ihr Helfer misst, wo das WLAN in Ihrem Zuhause schwach ist, und sucht den besten "
                "Platz für den Router. Wenn nötig, richtet er Verstärker oder ein Mesh-System ein, "
                "damit der Empfang in allen Zimmern besser wird. Die Geräte selbst sind nicht im "
                "Preis enthalten. Ihr Helfer berät Sie gerne vor dem Kauf."
            ),
            "fr": (
                "Votre dépanneur mesure où le Wi-Fi est faible chez vous et cherche le meilleur "
                "emplacement pour le routeur. Si nécessaire, il installe des répéteurs ou un "
                "système mesh pour que le signal soit meilleur dans toutes les pièces. Les "
                "appareils ne sont pas compris dans le prix. Votre dépanneur vous conseille "
                "volontiers avant l'achat."
            ),
            "it": (
                "Il suo aiutante misura dove il Wi-Fi è debole in casa sua e cerca il posto "
                "migliore per il router. Se necessario, installa ripetitori o un sistema mesh, "
                "perché il segnale migliori in tutte le stanze. Gli apparecchi non sono compresi "
                "nel prezzo. Il suo aiutante la consiglia volentieri prima dell'acquisto."
            ),
            "en": (
                "Your helper checks where the Wi-Fi is weak in your home and looks for the best "
                "spot for the router. If needed, they set up repeaters or a mesh system so the "
                "signal is better in every room. The devices themselves are not included in the "
                "price. Your helper is happy to advise you before you buy."
            ),
        },
    },
    {
        "slug": "router-change",
        "category": "internet-wifi",
        "position": 30,
        "duration_minutes": 90,
        "price": 12900,
        "pro_only": False,
        "name": {
            "de": "Neuer Router oder Anbieterwechsel",
            "fr": "Nouveau routeur, nouvel opérateur",
            "it": "Nuovo router o cambio di operatore",
            "en": "New router or internet provider",
        },
        "summary": {
            "de": "Den neuen Router anschliessen und alles wieder wie gewohnt zum Laufen bringen.",
            "fr": "Brancher le nouveau routeur et tout remettre en marche comme avant.",
            "it": "Collegare il nuovo router e far funzionare tutto come prima.",
            "en": "Connect the new router and get everything working as before.",
        },
        "description": {
            "de": (
                "Ob neuer Router vom bisherigen Anbieter oder Wechsel zu einem anderen: Ihr Helfer "
                "schliesst das neue Gerät an, übernimmt wenn möglich den bisherigen WLAN-Namen und "
                "verbindet alle Geräte neu. Festnetztelefon und Fernseher prüft er gleich mit. "
                "Bitte halten Sie den Brief mit den Zugangsdaten des neuen Anbieters bereit."
            ),
            "fr": (
                "Qu'il s'agisse d'un nouveau routeur de votre opérateur actuel ou d'un changement "
                "d'opérateur, votre dépanneur branche le nouvel appareil, reprend si possible "
                "l'ancien nom du Wi-Fi et reconnecte tous vos appareils. Il vérifie aussi le "
                "téléphone fixe et la télévision. Merci de préparer la lettre avec les données "
                "d'accès du nouvel opérateur."
            ),
            "it": (
                "Che si tratti di un nuovo router del suo operatore attuale o di un cambio di "
                "operatore, il suo aiutante collega il nuovo apparecchio, riprende se possibile il "
                "vecchio nome del Wi-Fi e ricollega tutti i suoi dispositivi. Controlla anche il "
                "telefono fisso e la televisione. La preghiamo di tenere pronta la lettera con i "
                "dati di accesso del nuovo operatore."
            ),
            "en": (
                "Whether it is a new router from your current provider or a switch to a new one, "
                "your helper connects the new box, keeps your old Wi-Fi name where possible and "
                "reconnects all your devices. They also check your landline phone and TV. Please "
                "have the letter with the access details from your new provider ready."
            ),
        },
    },
    {
        "slug": "home-network",
        "category": "internet-wifi",
        "position": 40,
        "duration_minutes": 150,
        "price": 19900,
        "pro_only": True,
        "name": {
            "de": "Heimnetz für das ganze Haus",
            "fr": "Réseau pour toute la maison",
            "it": "Rete per tutta la casa",
            "en": "Home network for the whole house",
        },
        "summary": {
            "de": "Netzwerkkabel, Access Points und ein stabiles Netz über mehrere Stockwerke.",
            "fr": "Câbles réseau, points d'accès et un réseau stable sur plusieurs étages.",
            "it": "Cavi di rete, access point e una rete stabile su più piani.",
            "en": "Network cables, access points and a stable network over several floors.",
        },
        "description": {
            "de": (
                "Für grössere Häuser oder dicke Mauern: Ihr Helfer plant das Netzwerk mit Ihnen, "
                "zieht wenn nötig Netzwerkkabel durch vorhandene Leerrohre und montiert Access "
                "Points an den richtigen Stellen. Zum Schluss prüft er mit Ihnen den Empfang in "
                "jedem Stockwerk. Geräte und Kabel sind nicht im Preis enthalten."
            ),
            "fr": (
                "Pour les grandes maisons ou les murs épais, votre dépanneur planifie le réseau "
                "avec vous, tire si nécessaire des câbles réseau dans les gaines existantes et "
                "installe des points d'accès aux bons endroits. Pour finir, il vérifie avec vous "
                "le signal à chaque étage. Les appareils et les câbles ne sont pas compris dans le "
                "prix."
            ),
            "it": (
                "Per case grandi o muri spessi, il suo aiutante pianifica la rete con lei, se "
                "necessario posa cavi di rete nei tubi vuoti esistenti e monta access point nei "
                "punti giusti. Alla fine controlla con lei il segnale su ogni piano. Apparecchi e "
                "cavi non sono compresi nel prezzo."
            ),
            "en": (
                "For larger houses or thick walls, your helper plans the network with you, runs "
                "network cables through existing conduits where needed and mounts access points in "
                "the right places. At the end they check the signal on every floor with you. "
                "Devices and cables are not included in the price."
            ),
        },
    },
    {
        "slug": "tv-setup",
        "category": "tv-streaming",
        "position": 10,
        "duration_minutes": 90,
        "price": 11900,
        "pro_only": False,
        "name": {
            "de": "Fernseher und Sender einrichten",
            "fr": "Installer la TV et les chaînes",
            "it": "Configurare TV e canali",
            "en": "Set up TV and channels",
        },
        "summary": {
            "de": "Fernseher und TV-Box anschliessen, Sender ordnen und die Bedienung erklären.",
            "fr": (
                "Brancher le téléviseur et le boîtier TV, trier les chaînes et expliquer "
                "l'utilisation."
            ),
            "it": "Collegare televisore e decoder, ordinare i canali e spiegarne l'uso.",
            "en": "Connect the TV and TV box, sort the channels and explain how it all works.",
        },
        "description": {
            "de": (
                "Ihr Helfer schliesst Fernseher und TV-Box an, zum Beispiel von Swisscom, Sunrise, "
                "Salt oder einem anderen Anbieter, und sucht die Sender. Ihre Lieblingssender "
                "kommen auf die ersten Plätze. Danach erklärt er Ihnen in Ruhe die Fernbedienung, "
                "die Aufnahmen und das zeitversetzte Fernsehen. Bitte halten Sie die Zugangsdaten "
                "Ihres TV-Anbieters bereit."
            ),
            "fr": (
                "Votre dépanneur branche le téléviseur et le boîtier TV, par exemple de Swisscom, "
                "Sunrise, Salt ou d'un autre opérateur, puis recherche les chaînes. Vos chaînes "
                "préférées sont placées en tête de liste. Il vous explique ensuite calmement la "
                "télécommande, les enregistrements et le replay. Merci de préparer les données "
                "d'accès de votre opérateur TV."
            ),
            "it": (
                "Il suo aiutante collega il televisore e il decoder, ad esempio di Swisscom, "
                "Sunrise, Salt o di un altro operatore, e cerca i canali. I suoi canali preferiti "
                "vengono messi ai primi posti. Poi le spiega con calma il telecomando, le "
                "registrazioni e il replay. La preghiamo di tenere pronti i dati di accesso del "
                "suo operatore TV."
            ),
            "en": (
                "Your helper connects the TV and TV box, for example from Swisscom, Sunrise, Salt "
                "or another provider, and tunes in the channels. Your favourite channels go to the "
                "top of the list. Then they calmly explain the remote control, recordings and "
                "replay. Please have the login details from your TV provider ready."
            ),
        },
    },
    {
        "slug": "streaming-apps",
        "category": "tv-streaming",
        "position": 20,
        "duration_minutes": 60,
        "price": 7900,
        "pro_only": False,
        "name": {
            "de": "Streaming-Apps auf dem Fernseher",
            "fr": "Applis de streaming sur la TV",
            "it": "App di streaming sul televisore",
            "en": "Streaming apps on your TV",
        },
        "summary": {
            "de": "Play Suisse, Netflix und weitere Apps einrichten und einfach erklärt bekommen.",
            "fr": (
                "Installer Play Suisse, Netflix et d'autres applis, avec des explications simples."
            ),
            "it": "Installare Play Suisse, Netflix e altre app, con spiegazioni semplici.",
            "en": "Set up Play Suisse, Netflix and more, explained in simple steps.",
        },
        "description": {
            "de": (
                "Ihr Helfer installiert die gewünschten Apps auf Ihrem Fernseher oder einem "
                "Streaming-Stick, zum Beispiel Play Suisse, Netflix oder YouTube, und meldet Sie "
                "an. Er zeigt Ihnen, wie Sie eine Sendung suchen, starten und später wiederfinden. "
                "Bitte halten Sie Ihre Zugangsdaten bereit. Ob Sie ein neues Abo abschliessen, "
                "entscheiden Sie selbst."
            ),
            "fr": (
                "Votre dépanneur installe les applis souhaitées sur votre téléviseur ou sur une "
                "clé de streaming, par exemple Play Suisse, Netflix ou YouTube, et vous connecte à "
                "vos comptes. Il vous montre comment chercher une émission, la lancer et la "
                "retrouver plus tard. Merci de préparer vos identifiants. C'est vous qui décidez "
                "de souscrire ou non un nouvel abonnement."
            ),
            "it": (
                "Il suo aiutante installa le app desiderate sul televisore o su una chiavetta di "
                "streaming, ad esempio Play Suisse, Netflix o YouTube, ed effettua l'accesso. Le "
                "mostra come cercare una trasmissione, avviarla e ritrovarla più tardi. La "
                "preghiamo di tenere pronti i suoi dati di accesso. Se sottoscrivere un nuovo "
                "abbonamento lo decide lei."
            ),
            "en": (
                "Your helper installs the apps you want on your TV or a streaming stick, for "
                "example Play Suisse, Netflix or YouTube, and signs you in. They show you how to "
                "find a programme, start it and find it again later. Please have your login "
                "details ready. Whether you take out a new subscription is up to you."
            ),
        },
    },
    {
        "slug": "soundbar-remote",
        "category": "tv-streaming",
        "position": 30,
        "duration_minutes": 60,
        "price": 7900,
        "pro_only": False,
        "name": {
            "de": "Soundbar und Fernbedienung",
            "fr": "Barre de son et télécommande",
            "it": "Soundbar e telecomando",
            "en": "Soundbar and remote control",
        },
        "summary": {
            "de": "Besser verständlicher Ton und möglichst eine Fernbedienung für alles.",
            "fr": "Un son plus clair et, si possible, une seule télécommande pour tout.",
            "it": "Un audio più chiaro e, se possibile, un solo telecomando per tutto.",
            "en": "Clearer sound and, where possible, one remote for everything.",
        },
        "description": {
            "de": (
                "Ihr Helfer schliesst Soundbar, Kopfhörer oder Lautsprecher an und stellt den Ton "
                "so ein, dass Sprache gut verständlich ist. Wenn möglich, richtet er alles so ein, "
                "dass Sie nur noch eine Fernbedienung brauchen. Wichtige Tasten kann er Ihnen "
                "farbig markieren."
            ),
            "fr": (
                "Votre dépanneur branche la barre de son, le casque ou les haut-parleurs et règle "
                "le son pour que les voix soient bien compréhensibles. Si possible, il fait en "
                "sorte qu'une seule télécommande suffise. Il peut aussi marquer en couleur les "
                "touches importantes."
            ),
            "it": (
                "Il suo aiutante collega soundbar, cuffie o altoparlanti e regola l'audio in modo "
                "che le voci si capiscano bene. Se possibile, imposta tutto perché le basti un "
                "solo telecomando. Può anche segnare con un colore i tasti importanti."
            ),
            "en": (
                "Your helper connects the soundbar, headphones or speakers and adjusts the sound "
                "so that voices are easy to understand. Where possible, they set things up so you "
                "only need one remote. They can also mark the important buttons in colour."
            ),
        },
    },
    {
        "slug": "computer-checkup",
        "category": "computer-printer",
        "position": 10,
        "duration_minutes": 60,
        "price": 8900,
        "pro_only": False,
        "name": {
            "de": "Computer-Check und Virenprüfung",
            "fr": "Ordinateur lent et contrôle antivirus",
            "it": "Computer lento e controllo antivirus",
            "en": "Slow computer and virus check",
        },
        "summary": {
            "de": "Wenn der Computer langsam ist oder sich seltsam verhält.",
            "fr": "Quand l'ordinateur est lent ou se comporte bizarrement.",
            "it": "Quando il computer è lento o si comporta in modo strano.",
            "en": "When your computer is slow or acting strangely.",
        },
        "description": {
            "de": (
                "Ihr Helfer sucht nach Viren und unerwünschten Programmen, räumt auf und "
                "installiert die wichtigen Updates. Er prüft, ob ein Virenschutz aktiv ist, und "
                "sagt Ihnen ehrlich, ob sich eine Aufrüstung oder ein neues Gerät lohnt. Bitte "
                "halten Sie das Passwort für Ihren Computer bereit."
            ),
            "fr": (
                "Votre dépanneur recherche les virus et les programmes indésirables, fait du "
                "rangement et installe les mises à jour importantes. Il vérifie qu'une protection "
                "antivirus est active et vous dit franchement si une mise à niveau ou un nouvel "
                "appareil vaut la peine. Merci de préparer le mot de passe de votre ordinateur."
            ),
            "it": (
                "Il suo aiutante cerca virus e programmi indesiderati, fa pulizia e installa gli "
                "aggiornamenti importanti. Controlla che ci sia una protezione antivirus attiva e "
                "le dice sinceramente se conviene potenziare il computer o acquistarne uno nuovo. "
                "La preghiamo di tenere pronta la password del computer."
            ),
            "en": (
                "Your helper looks for viruses and unwanted programs, tidies up and installs the "
                "important updates. They check that virus protection is switched on and tell you "
                "honestly whether an upgrade or a new computer is worth it. Please have your "
                "computer password ready."
            ),
        },
    },
    {
        "slug": "new-computer",
        "category": "computer-printer",
        "position": 20,
        "duration_minutes": 120,
        "price": 14900,
        "pro_only": False,
        "name": {
            "de": "Neuen Computer einrichten",
            "fr": "Installer un nouvel ordinateur",
            "it": "Configurare un nuovo computer",
            "en": "Set up a new computer",
        },
        "summary": {
            "de": "Den neuen Computer einrichten und Ihre Daten vom alten Gerät übertragen.",
            "fr": "Installer le nouvel ordinateur et transférer vos données depuis l'ancien.",
            "it": "Configurare il nuovo computer e trasferire i dati da quello vecchio.",
            "en": "Set up your new computer and move your files from the old one.",
        },
        "description": {
            "de": (
                "Ihr Helfer richtet den neuen Computer ein, installiert Updates und die Programme, "
                "die Sie brauchen, und überträgt Fotos, Dokumente, E-Mails und Lesezeichen vom "
                "alten Gerät. Danach zeigt er Ihnen, wo Sie alles wiederfinden. Bitte halten Sie "
                "den alten Computer, Ihre Passwörter und allfällige Lizenzschlüssel bereit."
            ),
            "fr": (
                "Votre dépanneur installe le nouvel ordinateur, les mises à jour et les programmes "
                "dont vous avez besoin, puis transfère photos, documents, e-mails et favoris "
                "depuis l'ancien appareil. Il vous montre ensuite où tout retrouver. Merci de "
                "préparer l'ancien ordinateur, vos mots de passe et d'éventuelles clés de licence."
            ),
            "it": (
                "Il suo aiutante configura il nuovo computer, installa gli aggiornamenti e i "
                "programmi di cui ha bisogno e trasferisce foto, documenti, e-mail e preferiti dal "
                "vecchio apparecchio. Poi le mostra dove ritrovare tutto. La preghiamo di tenere "
                "pronti il vecchio computer, le sue password ed eventuali codici di licenza."
            ),
            "en": (
                "Your helper sets up the new computer, installs updates and the programs you need, "
                "and moves photos, documents, e-mails and bookmarks over from the old one. Then "
                "they show you where to find everything. Please have the old computer, your "
                "passwords and any licence keys ready."
            ),
        },
    },
    {
        "slug": "printer-setup",
        "category": "computer-printer",
        "position": 30,
        "duration_minutes": 60,
        "price": 7900,
        "pro_only": False,
        "name": {
            "de": "Drucker installieren",
            "fr": "Installer l'imprimante",
            "it": "Installare la stampante",
            "en": "Install a printer",
        },
        "summary": {
            "de": "Drucker mit allen Geräten verbinden und das Scannen erklären.",
            "fr": "Relier l'imprimante à tous vos appareils et montrer comment scanner.",
            "it": "Collegare la stampante a tutti i dispositivi e spiegare come scansionare.",
            "en": "Connect the printer to all your devices and show you how to scan.",
        },
        "description": {
            "de": (
                "Ihr Helfer packt den Drucker aus, verbindet ihn über WLAN oder Kabel mit "
                "Computer, Handy und Tablet und druckt eine Testseite. Er zeigt Ihnen, wie Sie "
                "einen Brief scannen und als PDF speichern oder per E-Mail verschicken. Bitte "
                "halten Sie Papier und die mitgelieferten Tintenpatronen bereit."
            ),
            "fr": (
                "Votre dépanneur déballe l'imprimante, la relie à l'ordinateur, au smartphone et à "
                "la tablette par Wi-Fi ou par câble et imprime une page de test. Il vous montre "
                "comment scanner une lettre, l'enregistrer en PDF ou l'envoyer par e-mail. Merci "
                "de préparer du papier et les cartouches d'encre fournies."
            ),
            "it": (
                "Il suo aiutante disimballa la stampante, la collega a computer, smartphone e "
                "tablet tramite Wi-Fi o cavo e stampa una pagina di prova. Le mostra come "
                "scansionare una lettera, salvarla in PDF o inviarla per e-mail. La preghiamo di "
                "tenere pronte la carta e le cartucce d'inchiostro fornite."
            ),
            "en": (
                "Your helper unpacks the printer, connects it to your computer, phone and tablet "
                "by Wi-Fi or cable and prints a test page. They show you how to scan a letter and "
                "save it as a PDF or send it by e-mail. Please have paper and the ink cartridges "
                "that came with the printer ready."
            ),
        },
    },
    {
        "slug": "new-smartphone",
        "category": "smartphone-tablet",
        "position": 10,
        "duration_minutes": 90,
        "price": 11900,
        "pro_only": False,
        "name": {
            "de": "Neues Handy einrichten",
            "fr": "Installer un nouveau smartphone",
            "it": "Configurare un nuovo smartphone",
            "en": "Set up a new smartphone",
        },
        "summary": {
            "de": "Kontakte, Fotos und WhatsApp vom alten auf das neue Handy übertragen.",
            "fr": "Transférer contacts, photos et WhatsApp de l'ancien au nouveau smartphone.",
            "it": "Trasferire contatti, foto e WhatsApp dal vecchio al nuovo smartphone.",
            "en": "Move your contacts, photos and WhatsApp from the old phone to the new one.",
        },
        "description": {
            "de": (
                "Ihr Helfer richtet Ihr neues Handy ein und überträgt Kontakte, Fotos, Nachrichten "
                "und den WhatsApp-Verlauf vom alten Gerät. Er stellt Schrift und Lautstärke so "
                "ein, wie es für Sie angenehm ist, und erklärt Ihnen die wichtigsten Handgriffe. "
                "Bitte halten Sie beide Handys geladen bereit, dazu Ihre PIN-Codes und das "
                "Passwort für Ihr Apple- oder Google-Konto."
            ),
            "fr": (
                "Votre dépanneur installe votre nouveau smartphone et transfère contacts, photos, "
                "messages et historique WhatsApp depuis l'ancien appareil. Il règle la taille du "
                "texte et le volume pour qu'ils vous conviennent et vous explique les gestes "
                "essentiels. Merci de préparer les deux téléphones chargés, vos codes PIN et le "
                "mot de passe de votre compte Apple ou Google."
            ),
            "it": (
                "Il suo aiutante configura il nuovo smartphone e trasferisce contatti, foto, "
                "messaggi e la cronologia di WhatsApp dal vecchio apparecchio. Regola la grandezza "
                "dei caratteri e il volume come le è più comodo e le spiega i gesti più "
                "importanti. La preghiamo di tenere pronti entrambi i telefoni carichi, i codici "
                "PIN e la password del suo account Apple o Google."
            ),
            "en": (
                "Your helper sets up your new phone and moves your contacts, photos, messages and "
                "WhatsApp chats over from the old one. They adjust the text size and volume so "
                "they suit you and explain the most important steps. Please have both phones "
                "charged and your PIN codes and the password for your Apple or Google account "
                "ready."
            ),
        },
    },
    {
        "slug": "tablet-setup",
        "category": "smartphone-tablet",
        "position": 20,
        "duration_minutes": 60,
        "price": 7900,
        "pro_only": False,
        "name": {
            "de": "Tablet einrichten",
            "fr": "Installer une tablette",
            "it": "Configurare un tablet",
            "en": "Set up a tablet",
        },
        "summary": {
            "de": "Ein neues Tablet bereitmachen, für Fotos, Zeitung, Videoanrufe und Spiele.",
            "fr": (
                "Préparer une nouvelle tablette pour les photos, le journal, les appels vidéo et "
                "les jeux."
            ),
            "it": "Preparare un nuovo tablet per foto, giornale, videochiamate e giochi.",
            "en": "Get a new tablet ready for photos, news, video calls and games.",
        },
        "description": {
            "de": (
                "Ihr Helfer richtet das Tablet ein, verbindet es mit Ihrem WLAN und installiert "
                "die Apps, die Sie möchten, zum Beispiel Ihre Zeitung, Fotos oder Videoanrufe mit "
                "der Familie. Auf Wunsch gestaltet er den Bildschirm übersichtlich, mit grossen "
                "Symbolen und wenigen Apps. Bitte halten Sie das Tablet geladen bereit und, falls "
                "vorhanden, die Zugangsdaten für Ihr Apple- oder Google-Konto."
            ),
            "fr": (
                "Votre dépanneur installe la tablette, la connecte à votre Wi-Fi et ajoute les "
                "applis que vous souhaitez, par exemple votre journal, vos photos ou les appels "
                "vidéo avec la famille. Sur demande, il organise l'écran avec de grandes icônes et "
                "peu d'applis pour que tout reste clair. Merci de préparer la tablette chargée et, "
                "si vous en avez un, les identifiants de votre compte Apple ou Google."
            ),
            "it": (
                "Il suo aiutante configura il tablet, lo collega al Wi-Fi e installa le app che "
                "desidera, ad esempio il suo giornale, le foto o le videochiamate con la famiglia. "
                "Su richiesta, organizza lo schermo con icone grandi e poche app, in modo che "
                "tutto resti chiaro. La preghiamo di tenere pronto il tablet carico e, se ne ha "
                "uno, i dati di accesso del suo account Apple o Google."
            ),
            "en": (
                "Your helper sets up the tablet, connects it to your Wi-Fi and installs the apps "
                "you want, for example your newspaper, photos or video calls with the family. If "
                "you like, they arrange the screen with large icons and just a few apps so it "
                "stays clear. Please have the tablet charged and, if you have one, the login "
                "details for your Apple or Google account ready."
            ),
        },
    },
    {
        "slug": "phone-quick-help",
        "category": "smartphone-tablet",
        "position": 30,
        "duration_minutes": 30,
        "price": 4900,
        "pro_only": False,
        "name": {
            "de": "Kurze Hilfe am Handy",
            "fr": "Petite aide sur le smartphone",
            "it": "Piccolo aiuto con lo smartphone",
            "en": "Quick phone help",
        },
        "summary": {
            "de": "Eine Frage oder ein kleines Problem mit Handy oder Tablet.",
            "fr": "Une question ou un petit souci avec votre smartphone ou votre tablette.",
            "it": "Una domanda o un piccolo problema con lo smartphone o il tablet.",
            "en": "A question or a small problem with your phone or tablet.",
        },
        "description": {
            "de": (
                "Für kleine Anliegen: Der Ton ist weg, eine App funktioniert nicht mehr oder die "
                "Schrift soll grösser werden. Ihr Helfer schaut sich das Problem in Ruhe mit Ihnen "
                "an und zeigt Ihnen, wie Sie es das nächste Mal selbst lösen. Bitte halten Sie das "
                "Gerät geladen und Ihren PIN-Code bereit."
            ),
            "fr": (
                "Pour les petites choses, comme un son qui a disparu, une appli qui ne marche plus "
                "ou un texte trop petit. Votre dépanneur regarde le problème calmement avec vous "
                "et vous montre comment le résoudre vous-même la prochaine fois. Merci de préparer "
                "votre appareil chargé et votre code PIN."
            ),
            "it": (
                "Per le piccole cose: l'audio non c'è più, un'app non funziona o vorrebbe "
                "caratteri più grandi. Il suo aiutante guarda il problema con calma insieme a lei "
                "e le mostra come risolverlo in autonomia la prossima volta. La preghiamo di "
                "tenere pronti l'apparecchio carico e il codice PIN."
            ),
            "en": (
                "For small things: the sound has gone, an app no longer works or you would like "
                "bigger text. Your helper looks at the problem calmly with you and shows you how "
                "to fix it yourself next time. Please have the device charged and your PIN code "
                "ready."
            ),
        },
    },
    {
        "slug": "photo-sorting",
        "category": "smartphone-tablet",
        "position": 40,
        "duration_minutes": 90,
        "price": 11900,
        "pro_only": False,
        "name": {
            "de": "Fotos ordnen und übertragen",
            "fr": "Trier et transférer vos photos",
            "it": "Ordinare e trasferire le foto",
            "en": "Sort and transfer photos",
        },
        "summary": {
            "de": "Fotos von Handy, Kamera und Computer an einem Ort sammeln und ordnen.",
            "fr": (
                "Rassembler et trier les photos du smartphone, de l'appareil photo et de "
                "l'ordinateur."
            ),
            "it": (
                "Raccogliere e ordinare in un unico posto le foto di smartphone, fotocamera e "
                "computer."
            ),
            "en": "Gather and sort photos from your phone, camera and computer in one place.",
        },
        "description": {
            "de": (
                "Ihr Helfer holt Ihre Fotos von Handy, Tablet, Kamera oder Speicherkarten und legt "
                "sie übersichtlich nach Jahr oder Anlass ab. Doppelte Bilder sortiert er aus, und "
                "auf Wunsch erstellt er ein Album, das Sie mit der Familie teilen können. Bitte "
                "halten Sie die Geräte, Kabel und Speicherkarten bereit."
            ),
            "fr": (
                "Votre dépanneur récupère vos photos sur le smartphone, la tablette, l'appareil "
                "photo ou les cartes mémoire et les range clairement par année ou par occasion. Il "
                "écarte les doublons et, sur demande, crée un album à partager avec la famille. "
                "Merci de préparer les appareils, les câbles et les cartes mémoire."
            ),
            "it": (
                "Il suo aiutante recupera le foto da smartphone, tablet, fotocamera o schede di "
                "memoria e le ordina per anno o per occasione. Elimina le foto doppie e, su "
                "richiesta, crea un album da condividere con la famiglia. La preghiamo di tenere "
                "pronti gli apparecchi, i cavi e le schede di memoria."
            ),
            "en": (
                "Your helper collects your photos from your phone, tablet, camera or memory cards "
                "and sorts them neatly by year or occasion. They remove duplicates and, if you "
                "like, create an album you can share with the family. Please have the devices, "
                "cables and memory cards ready."
            ),
        },
    },
    {
        "slug": "smart-lights-speakers",
        "category": "smart-home",
        "position": 10,
        "duration_minutes": 60,
        "price": 8900,
        "pro_only": False,
        "name": {
            "de": "Smarte Lampen und Lautsprecher",
            "fr": "Lampes et haut-parleurs connectés",
            "it": "Luci e altoparlanti smart",
            "en": "Smart lights and speakers",
        },
        "summary": {
            "de": "Lampen und Lautsprecher, die Sie mit dem Handy oder mit der Stimme steuern.",
            "fr": "Des lampes et des haut-parleurs à commander avec le smartphone ou la voix.",
            "it": "Luci e altoparlanti da comandare con lo smartphone o con la voce.",
            "en": "Lights and speakers you control with your phone or your voice.",
        },
        "description": {
            "de": (
                "Ihr Helfer richtet smarte Lampen, Steckdosen oder Lautsprecher ein und verbindet "
                "sie mit Ihrem WLAN und Ihrem Handy. Er stellt zum Beispiel ein, dass das Licht am "
                "Abend von selbst angeht oder dass Sie das Radio per Sprachbefehl einschalten "
                "können. Bitte halten Sie die Geräte ausgepackt und Ihr WLAN-Passwort bereit."
            ),
            "fr": (
                "Votre dépanneur installe des lampes, des prises ou des haut-parleurs connectés et "
                "les relie à votre Wi-Fi et à votre smartphone. Il peut par exemple faire en sorte "
                "que la lumière s'allume toute seule le soir ou que vous allumiez la radio d'un "
                "simple mot. Merci de préparer les appareils déballés et le mot de passe de votre "
                "Wi-Fi."
            ),
            "it": (
                "Il suo aiutante installa luci, prese o altoparlanti smart e li collega al Wi-Fi e "
                "al suo smartphone. Può ad esempio fare in modo che la luce si accenda da sola la "
                "sera o che lei possa accendere la radio con un comando vocale. La preghiamo di "
                "tenere pronti gli apparecchi disimballati e la password del Wi-Fi."
            ),
            "en": (
                "Your helper sets up smart lights, plugs or speakers and connects them to your "
                "Wi-Fi and your phone. For example, they can make the light come on by itself in "
                "the evening or let you turn on the radio with a voice command. Please have the "
                "devices unpacked and your Wi-Fi password ready."
            ),
        },
    },
    {
        "slug": "video-doorbell-cameras",
        "category": "smart-home",
        "position": 20,
        "duration_minutes": 120,
        "price": 17900,
        "pro_only": True,
        "name": {
            "de": "Video-Türklingel und Kameras",
            "fr": "Sonnette vidéo et caméras",
            "it": "Videocitofono e telecamere",
            "en": "Video doorbell and cameras",
        },
        "summary": {
            "de": "Sehen, wer vor der Tür steht, mit sorgfältig montierter Türklingel und Kameras.",
            "fr": (
                "Voir qui sonne à la porte, avec une sonnette vidéo et des caméras bien installées."
            ),
            "it": (
                "Vedere chi suona alla porta, con videocitofono e telecamere installati con cura."
            ),
            "en": "See who is at the door, with a video doorbell and cameras carefully fitted.",
        },
        "description": {
            "de": (
                "Ihr Helfer montiert die Video-Türklingel oder die Kameras, verbindet sie mit "
                "Ihrem WLAN und richtet die App auf Ihrem Handy ein. Er achtet darauf, dass die "
                "Kameras nur Ihren eigenen Bereich filmen und nicht die Nachbarn oder die Strasse. "
                "Die Geräte sind nicht im Preis enthalten. Wenn Sie zur Miete wohnen, fragen Sie "
                "bitte vorher die Verwaltung, ob die Montage erlaubt ist."
            ),
            "fr": (
                "Votre dépanneur fixe la sonnette vidéo ou les caméras, les relie à votre Wi-Fi et "
                "installe l'appli sur votre smartphone. Il veille à ce que les caméras ne filment "
                "que votre propre espace, et non les voisins ou la rue. Les appareils ne sont pas "
                "compris dans le prix. Si vous êtes locataire, demandez d'abord à la gérance si le "
                "montage est autorisé."
            ),
            "it": (
                "Il suo aiutante monta il videocitofono o le telecamere, li collega al Wi-Fi e "
                "installa l'app sul suo smartphone. Fa in modo che le telecamere riprendano solo "
                "il suo spazio, non i vicini o la strada. Gli apparecchi non sono compresi nel "
                "prezzo. Se vive in affitto, chieda prima all'amministrazione se il montaggio è "
                "permesso."
            ),
            "en": (
                "Your helper mounts the video doorbell or cameras, connects them to your Wi-Fi and "
                "sets up the app on your phone. They make sure the cameras only film your own "
                "property, not the neighbours or the street. The devices are not included in the "
                "price. If you rent, please check with your landlord first that mounting them is "
                "allowed."
            ),
        },
    },
    {
        "slug": "smart-thermostats",
        "category": "smart-home",
        "position": 30,
        "duration_minutes": 60,
        "price": 8900,
        "pro_only": False,
        "name": {
            "de": "Smarte Thermostate einrichten",
            "fr": "Thermostats connectés",
            "it": "Termostati smart",
            "en": "Smart thermostats",
        },
        "summary": {
            "de": (
                "Heizkörper-Thermostate, die zur richtigen Zeit heizen und Energie sparen helfen."
            ),
            "fr": "Des thermostats qui chauffent au bon moment et aident à économiser l'énergie.",
            "it": "Termostati che scaldano al momento giusto e aiutano a risparmiare energia.",
            "en": "Radiator thermostats that heat at the right time and help save energy.",
        },
        "description": {
            "de": (
                "Ihr Helfer montiert smarte Thermostate an Ihren Heizkörpern und verbindet sie mit "
                "Ihrem Handy oder Tablet. Gemeinsam legen Sie fest, wann welches Zimmer warm sein "
                "soll. Er zeigt Ihnen auch, wie Sie die Temperatur weiterhin ganz einfach von Hand "
                "einstellen. Die Thermostate sind nicht im Preis enthalten."
            ),
            "fr": (
                "Votre dépanneur monte des thermostats connectés sur vos radiateurs et les relie à "
                "votre smartphone ou à votre tablette. Ensemble, vous décidez quand chaque pièce "
                "doit être chauffée. Il vous montre aussi comment régler la température à la main, "
                "tout simplement. Les thermostats ne sont pas compris dans le prix."
            ),
            "it": (
                "Il suo aiutante monta termostati smart sui suoi radiatori e li collega allo "
                "smartphone o al tablet. Insieme decidete quando ogni stanza deve essere calda. Le "
                "mostra anche come regolare la temperatura a mano, in modo semplice. I termostati "
                "non sono compresi nel prezzo."
            ),
            "en": (
                "Your helper fits smart thermostats to your radiators and connects them to your "
                "phone or tablet. Together you decide when each room should be warm. They also "
                "show you how to set the temperature by hand, quite simply. The thermostats are "
                "not included in the price."
            ),
        },
    },
    {
        "slug": "data-backup",
        "category": "data-security",
        "position": 10,
        "duration_minutes": 60,
        "price": 8900,
        "pro_only": False,
        "name": {
            "de": "Datensicherung einrichten",
            "fr": "Mettre en place une sauvegarde",
            "it": "Impostare un backup dei dati",
            "en": "Set up a data backup",
        },
        "summary": {
            "de": "Damit Fotos und Dokumente nicht verloren gehen, wenn ein Gerät kaputtgeht.",
            "fr": "Pour ne pas perdre vos photos et documents si un appareil tombe en panne.",
            "it": "Per non perdere foto e documenti se un apparecchio si guasta.",
            "en": "So your photos and documents are not lost if a device breaks.",
        },
        "description": {
            "de": (
                "Ihr Helfer richtet eine automatische Sicherung ein, auf einer externen Festplatte "
                "oder in einem Online-Speicher Ihrer Wahl. Er macht mit Ihnen eine Probe, damit "
                "Sie sehen, dass sich eine Datei wiederherstellen lässt, und schreibt Ihnen die "
                "wichtigsten Schritte auf. Bitte halten Sie eine externe Festplatte oder die "
                "Zugangsdaten zu Ihrem Online-Speicher bereit."
            ),
            "fr": (
                "Votre dépanneur met en place une sauvegarde automatique, sur un disque dur "
                "externe ou dans un espace de stockage en ligne de votre choix. Il fait un essai "
                "avec vous pour vérifier qu'un fichier peut être restauré et vous note les étapes "
                "importantes. Merci de préparer un disque dur externe ou les identifiants de votre "
                "stockage en ligne."
            ),
            "it": (
                "Il suo aiutante imposta un backup automatico, su un disco rigido esterno o in uno "
                "spazio di archiviazione online a sua scelta. Fa una prova con lei per verificare "
                "che un file si possa ripristinare e le scrive i passaggi più importanti. La "
                "preghiamo di tenere pronti un disco rigido esterno o i dati di accesso del suo "
                "spazio online."
            ),
            "en": (
                "Your helper sets up an automatic backup, to an external hard drive or an online "
                "storage service of your choice. They do a test run with you to check that a file "
                "can be restored and write down the key steps for you. Please have an external "
                "hard drive or the login details for your online storage ready."
            ),
        },
    },
    {
        "slug": "password-security",
        "category": "data-security",
        "position": 20,
        "duration_minutes": 90,
        "price": 11900,
        "pro_only": False,
        "name": {
            "de": "Passwörter und Konten sichern",
            "fr": "Mots de passe et comptes sécurisés",
            "it": "Password e account al sicuro",
            "en": "Passwords and account security",
        },
        "summary": {
            "de": "Ein Passwort-Manager und eine sichere Anmeldung für Ihre wichtigsten Konten.",
            "fr": (
                "Un gestionnaire de mots de passe et des connexions sûres pour vos comptes "
                "importants."
            ),
            "it": "Un gestore di password e accessi sicuri per i suoi account più importanti.",
            "en": "A password manager and safer sign-in for your most important accounts.",
        },
        "description": {
            "de": (
                "Ihr Helfer richtet einen Passwort-Manager ein und ersetzt mit Ihnen schwache oder "
                "mehrfach verwendete Passwörter. Für E-Mail und andere wichtige Konten richtet er "
                "die Anmeldung in zwei Schritten ein. Ihre Passwörter tippen Sie dabei selbst ein. "
                "Bitte halten Sie eine Liste Ihrer Konten bereit, zum Beispiel E-Mail, "
                "Krankenkasse und Online-Shops."
            ),
            "fr": (
                "Votre dépanneur installe un gestionnaire de mots de passe et remplace avec vous "
                "les mots de passe faibles ou utilisés plusieurs fois. Pour l'e-mail et les autres "
                "comptes importants, il active la connexion en deux étapes. C'est vous qui tapez "
                "vos mots de passe. Merci de préparer une liste de vos comptes, par exemple "
                "e-mail, caisse maladie et boutiques en ligne."
            ),
            "it": (
                "Il suo aiutante installa un gestore di password e sostituisce con lei le password "
                "deboli o usate più volte. Per l'e-mail e gli altri account importanti attiva "
                "l'accesso in due passaggi. Le password le digita sempre lei. La preghiamo di "
                "tenere pronto un elenco dei suoi account, ad esempio e-mail, cassa malati e "
                "negozi online."
            ),
            "en": (
                "Your helper sets up a password manager and replaces weak or reused passwords with "
                "you. For e-mail and other important accounts, they switch on two-step sign-in. "
                "You type in your passwords yourself. Please have a list of your accounts ready, "
                "for example e-mail, health insurance and online shops."
            ),
        },
    },
    {
        "slug": "scam-check",
        "category": "data-security",
        "position": 30,
        "duration_minutes": 30,
        "price": 4900,
        "pro_only": False,
        "name": {
            "de": "Verdächtige E-Mails und SMS prüfen",
            "fr": "Vérifier des e-mails et SMS suspects",
            "it": "Controllare e-mail e SMS sospetti",
            "en": "Check suspicious e-mails and texts",
        },
        "summary": {
            "de": "Ist diese Nachricht echt? Ihr Helfer schaut sie mit Ihnen an.",
            "fr": "Votre dépanneur examine avec vous un message qui vous paraît douteux.",
            "it": "Questo messaggio è vero? Il suo aiutante lo guarda insieme a lei.",
            "en": "Is this message genuine? Your helper looks at it with you.",
        },
        "description": {
            "de": (
                "Eine E-Mail, eine SMS oder ein Anruf kommt Ihnen seltsam vor? Ihr Helfer prüft "
                "mit Ihnen, ob es sich um Betrug handelt, und erklärt die typischen Warnzeichen. "
                "Falls Sie schon auf einen Link geklickt oder Daten angegeben haben, hilft er "
                "Ihnen bei den nächsten Schritten, zum Beispiel beim Anruf an Ihre Bank. Bitte "
                "löschen Sie die verdächtige Nachricht nicht."
            ),
            "fr": (
                "Si un e-mail, un SMS ou un appel vous semble étrange, votre dépanneur vérifie "
                "avec vous s'il s'agit d'une arnaque et vous explique les signes typiques. Si vous "
                "avez déjà cliqué sur un lien ou donné des informations, il vous aide pour les "
                "étapes suivantes, par exemple pour appeler votre banque. Merci de garder le "
                "message suspect sans le supprimer."
            ),
            "it": (
                "Un'e-mail, un SMS o una telefonata le sembra strana? Il suo aiutante verifica con "
                "lei se si tratta di una truffa e le spiega i segnali tipici. Se ha già cliccato "
                "su un link o fornito informazioni, la aiuta nei passi successivi, ad esempio a "
                "chiamare la sua banca. La preghiamo di non cancellare il messaggio sospetto."
            ),
            "en": (
                "Did an e-mail, text message or phone call seem odd? Your helper checks with you "
                "whether it is a scam and explains the typical warning signs. If you have already "
                "clicked a link or given out details, they help you with the next steps, such as "
                "calling your bank. Please keep the suspicious message and do not delete it."
            ),
        },
    },
    {
        "slug": "ebanking-security-check",
        "category": "data-security",
        "position": 40,
        "duration_minutes": 60,
        "price": 8900,
        "pro_only": False,
        "name": {
            "de": "E-Banking-Sicherheitscheck",
            "fr": "Contrôle de sécurité e-banking",
            "it": "Controllo di sicurezza e-banking",
            "en": "E-banking security check",
        },
        "summary": {
            "de": "Prüfen, ob Computer und Handy für das E-Banking sicher eingerichtet sind.",
            "fr": (
                "Vérifier que votre ordinateur et votre smartphone sont bien protégés pour "
                "l'e-banking."
            ),
            "it": "Verificare che computer e smartphone siano ben protetti per l'e-banking.",
            "en": "Check that your computer and phone are set up safely for e-banking.",
        },
        "description": {
            "de": (
                "Ihr Helfer prüft, ob Updates, Virenschutz und Bildschirmsperre aktiv sind und ob "
                "die App Ihrer Bank aus dem offiziellen App Store stammt. Er zeigt Ihnen, woran "
                "Sie die echte Webseite Ihrer Bank erkennen und wie Sie sich sicher an- und "
                "abmelden. Ihre Zugangsdaten und Codes geben Sie immer selbst ein. Ihr Helfer "
                "fragt nie danach."
            ),
            "fr": (
                "Votre dépanneur vérifie que les mises à jour, l'antivirus et le verrouillage de "
                "l'écran sont actifs et que l'appli de votre banque provient de la boutique "
                "d'applications officielle. Il vous montre comment reconnaître le vrai site de "
                "votre banque et comment vous connecter et vous déconnecter en toute sécurité. "
                "Vous saisissez toujours vous-même vos identifiants et vos codes. Votre dépanneur "
                "ne vous les demande jamais."
            ),
            "it": (
                "Il suo aiutante verifica che aggiornamenti, antivirus e blocco dello schermo "
                "siano attivi e che l'app della sua banca provenga dallo store ufficiale. Le "
                "mostra come riconoscere il vero sito della sua banca e come accedere e uscire in "
                "modo sicuro. I dati di accesso e i codici li inserisce sempre lei. Il suo "
                "aiutante non glieli chiede mai."
            ),
            "en": (
                "Your helper checks that updates, virus protection and screen lock are switched on "
                "and that your bank's app comes from the official app store. They show you how to "
                "recognise your bank's real website and how to log in and out safely. You always "
                "enter your login details and codes yourself. Your helper will never ask for them."
            ),
        },
    },
    {
        "slug": "home-nas",
        "category": "data-security",
        "position": 50,
        "duration_minutes": 180,
        "price": 24900,
        "pro_only": True,
        "name": {
            "de": "Heimnetz mit NAS-Speicher",
            "fr": "Réseau domestique avec NAS",
            "it": "Rete domestica con NAS",
            "en": "Home network with NAS storage",
        },
        "summary": {
            "de": "Ein eigener Speicher im Haus für die Fotos und Dokumente der ganzen Familie.",
            "fr": "Un stockage à la maison pour les photos et documents de toute la famille.",
            "it": "Un archivio in casa per le foto e i documenti di tutta la famiglia.",
            "en": "Storage in your own home for the whole family's photos and documents.",
        },
        "description": {
            "de": (
                "Ihr Helfer installiert einen NAS-Speicher in Ihrem Heimnetz, legt Ordner und "
                "Benutzer für die Familie an und sorgt dafür, dass Computer und Handys ihre Fotos "
                "automatisch dort sichern. Auf Wunsch richtet er auch eine zweite Sicherung an "
                "einem anderen Ort ein. Zum Schluss zeigt er Ihnen, wie Sie Ihre Dateien "
                "wiederfinden. Das Gerät und die Festplatten sind nicht im Preis enthalten."
            ),
            "fr": (
                "Votre dépanneur installe un NAS dans votre réseau domestique, crée des dossiers "
                "et des utilisateurs pour la famille et fait en sorte que les ordinateurs et les "
                "smartphones y sauvegardent leurs photos automatiquement. Sur demande, il met "
                "aussi en place une deuxième sauvegarde dans un autre lieu. Pour finir, il vous "
                "montre comment retrouver vos fichiers. L'appareil et les disques durs ne sont pas "
                "compris dans le prix."
            ),
            "it": (
                "Il suo aiutante installa un NAS nella sua rete domestica, crea cartelle e utenti "
                "per la famiglia e fa in modo che computer e smartphone vi salvino automaticamente "
                "le foto. Su richiesta, imposta anche una seconda copia di sicurezza in un altro "
                "luogo. Alla fine le mostra come ritrovare i suoi file. L'apparecchio e i dischi "
                "rigidi non sono compresi nel prezzo."
            ),
            "en": (
                "Your helper installs a NAS in your home network, creates folders and users for "
                "the family and makes sure computers and phones back up their photos to it "
                "automatically. If you wish, they also set up a second backup in another place. At "
                "the end they show you how to find your files. The device and hard drives are not "
                "included in the price."
            ),
        },
    },
    {
        "slug": "smartphone-lesson",
        "category": "lessons",
        "position": 10,
        "duration_minutes": 60,
        "price": 6900,
        "pro_only": False,
        "name": {
            "de": "Handy-Lektion für Einsteiger",
            "fr": "Cours smartphone pour débutants",
            "it": "Lezione di smartphone per principianti",
            "en": "Smartphone lesson for beginners",
        },
        "summary": {
            "de": "Anrufen, Nachrichten, Fotos: die Grundlagen in Ruhe und in Ihrem Tempo.",
            "fr": "Les bases du smartphone, au calme et à votre rythme, des appels aux photos.",
            "it": "Telefonare, scrivere, fotografare: le basi con calma e al suo ritmo.",
            "en": "Calls, messages, photos: the basics, calmly and at your own pace.",
        },
        "description": {
            "de": (
                "In einer persönlichen Lektion bei Ihnen zu Hause lernen Sie die Grundlagen auf "
                "Ihrem eigenen Handy: anrufen, Kontakte speichern, Nachrichten schreiben und Fotos "
                "machen. Ihr Helfer erklärt geduldig und ohne Fachwörter, und Sie dürfen so oft "
                "fragen, wie Sie möchten. Auf Wunsch erhalten Sie eine kurze Anleitung auf Papier. "
                "Bitte halten Sie Ihr geladenes Handy, Ihre Brille und einen Notizblock bereit."
            ),
            "fr": (
                "Lors d'un cours personnel chez vous, vous apprenez les bases sur votre propre "
                "smartphone, comme appeler, enregistrer des contacts, écrire des messages et "
                "prendre des photos. Votre dépanneur explique avec patience et sans jargon, et "
                "vous pouvez poser autant de questions que vous voulez. Sur demande, vous recevez "
                "un petit mode d'emploi sur papier. Merci de préparer votre smartphone chargé, vos "
                "lunettes et de quoi prendre des notes."
            ),
            "it": (
                "In una lezione personale a casa sua impara le basi sul suo smartphone: "
                "telefonare, salvare i contatti, scrivere messaggi e fare foto. Il suo aiutante "
                "spiega con pazienza e senza parole difficili, e lei può chiedere tutte le volte "
                "che vuole. Su richiesta riceve una breve guida su carta. La preghiamo di tenere "
                "pronti lo smartphone carico, gli occhiali e un blocco per appunti."
            ),
            "en": (
                "In a personal lesson at your home, you learn the basics on your own phone: making "
                "calls, saving contacts, writing messages and taking photos. Your helper explains "
                "patiently and without jargon, and you can ask as often as you like. If you wish, "
                "you get a short guide on paper. Please have your phone charged and your glasses "
                "and a notepad ready."
            ),
        },
    },
    {
        "slug": "computer-lesson",
        "category": "lessons",
        "position": 20,
        "duration_minutes": 60,
        "price": 6900,
        "pro_only": False,
        "name": {
            "de": "Computer-Lektion",
            "fr": "Cours d'informatique",
            "it": "Lezione di computer",
            "en": "Computer lesson",
        },
        "summary": {
            "de": "E-Mails, Internet, Dokumente: lernen, was Sie am Computer brauchen.",
            "fr": "Apprendre ce dont vous avez besoin à l'ordinateur, des e-mails aux documents.",
            "it": "E-mail, Internet, documenti: impari quello che le serve al computer.",
            "en": "E-mails, internet, documents: learn what you need on your computer.",
        },
        "description": {
            "de": (
                "Sie bestimmen das Thema, zum Beispiel E-Mails schreiben und Anhänge öffnen, im "
                "Internet suchen, Briefe schreiben oder Fotos ansehen. Ihr Helfer erklärt Schritt "
                "für Schritt an Ihrem eigenen Computer, und Sie üben gleich selbst. Schreiben Sie "
                "sich Ihre Fragen gerne vorher auf."
            ),
            "fr": (
                "C'est vous qui choisissez le sujet, par exemple écrire des e-mails et ouvrir des "
                "pièces jointes, chercher sur Internet, rédiger une lettre ou regarder des photos. "
                "Votre dépanneur explique pas à pas sur votre propre ordinateur, et vous vous "
                "exercez tout de suite. N'hésitez pas à noter vos questions à l'avance."
            ),
            "it": (
                "Il tema lo sceglie lei, ad esempio scrivere e-mail e aprire allegati, cercare in "
                "Internet, scrivere lettere o guardare foto. Il suo aiutante spiega passo dopo "
                "passo sul suo computer e lei si esercita subito. Se vuole, si annoti prima le sue "
                "domande."
            ),
            "en": (
                "You choose the topic, for example writing e-mails and opening attachments, "
                "searching the internet, writing letters or looking at photos. Your helper "
                "explains step by step on your own computer, and you practise right away. Feel "
                "free to write down your questions beforehand."
            ),
        },
    },
    {
        "slug": "ebanking-twint-lesson",
        "category": "lessons",
        "position": 30,
        "duration_minutes": 60,
        "price": 6900,
        "pro_only": False,
        "name": {
            "de": "E-Banking und TWINT lernen",
            "fr": "Apprendre l'e-banking et TWINT",
            "it": "Imparare e-banking e TWINT",
            "en": "Learn e-banking and TWINT",
        },
        "summary": {
            "de": "Rechnungen sicher bezahlen und TWINT einrichten, Schritt für Schritt mit Ihnen.",
            "fr": "Payer vos factures en toute sécurité et installer TWINT, pas à pas avec vous.",
            "it": "Pagare le fatture in modo sicuro e configurare TWINT, passo dopo passo con lei.",
            "en": "Pay bills safely and set up TWINT, step by step with you.",
        },
        "description": {
            "de": (
                "Ihr Helfer zeigt Ihnen, wie Sie sich im E-Banking anmelden, eine Rechnung mit "
                "QR-Code bezahlen und Ihren Kontostand ansehen. Gemeinsam richten Sie TWINT auf "
                "Ihrem Handy ein und üben eine kleine Zahlung. Ihre Codes und Passwörter tippen "
                "Sie dabei immer selbst ein. Bitte halten Sie die Unterlagen Ihrer Bank und Ihr "
                "Handy bereit."
            ),
            "fr": (
                "Votre dépanneur vous montre comment vous connecter à l'e-banking, payer une "
                "facture avec code QR et consulter votre solde. Ensemble, vous installez TWINT sur "
                "votre smartphone et faites un petit paiement d'essai. Vous saisissez toujours "
                "vous-même vos codes et mots de passe. Merci de préparer les documents de votre "
                "banque et votre smartphone."
            ),
            "it": (
                "Il suo aiutante le mostra come accedere all'e-banking, pagare una fattura con "
                "codice QR e vedere il saldo del conto. Insieme configurate TWINT sul suo "
                "smartphone e fate un piccolo pagamento di prova. I codici e le password li "
                "inserisce sempre lei. La preghiamo di tenere pronti i documenti della sua banca e "
                "lo smartphone."
            ),
            "en": (
                "Your helper shows you how to log in to e-banking, pay a bill with a QR code and "
                "check your balance. Together you set up TWINT on your phone and make a small test "
                "payment. You always type in your codes and passwords yourself. Please have your "
                "bank documents and your phone ready."
            ),
        },
    },
    {
        "slug": "video-call-lesson",
        "category": "lessons",
        "position": 40,
        "duration_minutes": 60,
        "price": 6900,
        "pro_only": False,
        "name": {
            "de": "Videoanrufe mit der Familie",
            "fr": "Appels vidéo avec la famille",
            "it": "Videochiamate con la famiglia",
            "en": "Video calls with the family",
        },
        "summary": {
            "de": "Enkelkinder und Freunde nicht nur hören, sondern auch sehen.",
            "fr": "Voir vos petits-enfants et vos amis, pas seulement les entendre.",
            "it": "Vedere nipoti e amici, non solo sentirli.",
            "en": "See your grandchildren and friends, not just hear them.",
        },
        "description": {
            "de": (
                "Ihr Helfer richtet Videoanrufe auf Ihrem Handy, Tablet oder Computer ein, zum "
                "Beispiel mit WhatsApp oder FaceTime. Sie üben gemeinsam, wie Sie jemanden "
                "anrufen, einen Anruf annehmen und Bild und Ton einstellen. Wenn Sie möchten, "
                "machen Sie zum Schluss gleich einen Probeanruf mit der Familie. Bitte halten Sie "
                "die Telefonnummern Ihrer Liebsten bereit."
            ),
            "fr": (
                "Votre dépanneur configure les appels vidéo sur votre smartphone, votre tablette "
                "ou votre ordinateur, par exemple avec WhatsApp ou FaceTime. Vous vous exercez "
                "ensemble à appeler quelqu'un, à répondre à un appel et à régler l'image et le "
                "son. Si vous le souhaitez, vous faites pour finir un appel d'essai avec la "
                "famille. Merci de préparer les numéros de téléphone de vos proches."
            ),
            "it": (
                "Il suo aiutante configura le videochiamate sul suo smartphone, tablet o computer, "
                "ad esempio con WhatsApp o FaceTime. Insieme vi esercitate a chiamare qualcuno, a "
                "rispondere a una chiamata e a regolare immagine e audio. Se vuole, alla fine fate "
                "subito una chiamata di prova con la famiglia. La preghiamo di tenere pronti i "
                "numeri di telefono dei suoi cari."
            ),
            "en": (
                "Your helper sets up video calls on your phone, tablet or computer, for example "
                "with WhatsApp or FaceTime. Together you practise calling someone, answering a "
                "call and adjusting picture and sound. If you like, you finish with a test call to "
                "the family. Please have your loved ones' phone numbers ready."
            ),
        },
    },
]
