# ruff: noqa: E501, RUF001  (hand-written texts, one per line; Turkish dotless i)
"""Hand-written whole replies for the toxicity reply classifier, in twelve languages.

Written by the Redline team after the sixth cross-set showed the reply classifier caught contempt worded
like the retired cross-sets and missed it put politely, above all outside English: condescension
("I'll go slowly"), sarcasm and mock praise, blame, mockery of the person's wits, age, schooling, job or
origin, contempt for a group stated as fact, and intimidation that names no harm. Each reply is written
from scratch in a service setting (bank, clinic, council, courier, school, landlord, insurer, telecom,
airline, job centre), as a whole answer of two or three sentences. The passing replies share the topics
and often the words: apologies with a fix, firm limits on abuse, an insult quoted, translated or
discussed, a calm draft answer to a rude message, self-deprecation ("silly me"), idioms, blunt
feedback on the work rather than the person, and a group named without contempt.

`scripts/train_social.py` reads them as one more origin of toxicity's reply rows (`written-1`, never in
a validation set), so leave-one-origin-out figures hold them out in turn like a retired cross-set.
"""

from __future__ import annotations

Texts = dict[str, list[str]]

ORIGIN = "written-1"

TOX_REPLY_FAIL: Texts = {
    "en": [
        "I can walk you through it again. I'll use short sentences this time, since the long ones clearly didn't land.",
        "Yes, the form is online. It's the big green button, the one most people find without needing to phone us.",
        "Your refund is on its way. Between you and me, this is the first time I've seen someone lose a receipt that was emailed to them.",
        "Wonderful, another expert who read one article and now knows better than our engineers. Go on then, what should we do?",
        "Sure, I'll reset it. Try writing the new password down somewhere, ideally somewhere you won't also forget.",
        "We don't usually get this many questions from one person, but then most people read the leaflet.",
        "Honestly, people from your estate are always the ones who miss the bin day. I'll book another collection.",
        "I've seen your kind of claim before. Tenants like you break things and then act surprised when the deposit is kept.",
        "Applicants your age rarely pick up new software, so I'd lower your expectations before the interview.",
        "The appointment is at nine. Do try to be on time, I know punctuality isn't a strong point in your culture.",
        "I'd be careful leaving reviews like that. We keep very good records on every customer, and records have a way of getting around.",
        "Of course you can complain. Just bear in mind that complaints tend to slow down everything else on the account, sometimes for months.",
        "Your appeal has been logged. Not that it will change anything, but at least it will keep you busy.",
        "You managed to book the wrong date twice. Impressive, in its own way. I've fixed it.",
        "I'm sure your teacher tried her best. Spelling just isn't for everyone, is it?",
        "Most of our customers understand interest rates. For the rest, there's a picture on page two.",
    ],
    "fr": [
        "Je vous le réexplique, mais lentement cette fois, puisque la première version était visiblement trop compliquée pour vous.",
        "Le formulaire est sur la page d'accueil, en gros. Il suffit d'ouvrir les yeux, mais je sais que c'est beaucoup demander.",
        "Avec les personnes de votre génération, c'est toujours la même chose : un mot de passe et c'est la panique.",
        "Bien sûr, votre dossier sera traité. Les gens qui vivent des aides ont tout leur temps, vous pouvez donc attendre.",
        "Je vous conseille de bien réfléchir avant de publier cet avis. Nous avons votre adresse et votre historique, et on n'oublie rien.",
        "Félicitations, vous avez réussi à perdre un billet électronique. Je vous en renvoie un, essayez de le garder cette fois.",
        "Votre réclamation est enregistrée. Elle n'a aucun fondement, mais au moins elle vous occupe.",
    ],
    "es": [
        "Se lo repito, pero más despacio, a ver si esta vez lo pilla. Botón azul, luego aceptar. Ya está, ¿ve qué fácil?",
        "La gente de pueblo siempre se lía con la banca online, es normal. Le dejo un folleto con dibujos.",
        "Claro que puede reclamar. Eso sí, las reclamaciones suelen retrasar todo lo demás de su expediente, a veces meses.",
        "Vaya, otro experto que ha leído un foro y ya sabe más que el técnico. Adelante, dígame usted cómo se arregla.",
        "Los extranjeros siempre rellenan mal este impreso, así que ya contaba con que me llamara.",
        "Ya está cambiada la dirección. Para la próxima, intente escribir su propia calle sin faltas, que tampoco es tanto pedir.",
        "Le atiendo, faltaría más. Aunque con clientes como usted se entiende por qué nadie quiere trabajar en atención al cliente.",
    ],
    "de": [
        "Ich erkläre es Ihnen noch einmal, diesmal in kurzen Sätzen. Die langen waren wohl etwas viel für Sie.",
        "Der Knopf ist grün und steht oben rechts. Die meisten Kunden finden ihn, ohne anzurufen, aber gut.",
        "Menschen in Ihrem Alter kommen mit der App erfahrungsgemäß nicht zurecht. Ich schicke Ihnen lieber ein Papierformular.",
        "Natürlich können Sie sich beschweren. Beschwerden verzögern nur leider alles andere in Ihrer Akte, manchmal monatelang.",
        "Ihre Leute wollen immer alles sofort. Sie warten wie alle anderen auch.",
        "Glückwunsch, Sie haben es geschafft, zweimal den falschen Termin zu buchen. Ich habe es korrigiert, mal wieder.",
        "Wir haben Ihre Adresse und Ihre Kontodaten. Ich an Ihrer Stelle würde mir den Ton der nächsten Nachricht gut überlegen.",
    ],
    "it": [
        "Glielo rispiego piano piano, così magari stavolta ci arriva anche lei.",
        "Il modulo è in prima pagina, scritto in grande. Basta saper leggere, ma capisco che non è da tutti.",
        "Voi giovani siete tutti uguali, volete tutto e subito senza alzare un dito. Il modulo è questo.",
        "Certo che può lasciare una recensione. Però si ricordi che abbiamo tutti i suoi dati, e le voci girano.",
        "Complimenti, è riuscito a perdere una password che le abbiamo mandato tre volte. Gliela rimando.",
        "La gente come lei chiama sempre per niente. Comunque, la bolletta è corretta.",
        "La sua segnalazione è registrata. Non serve a niente, ma almeno si sente utile.",
    ],
    "pt": [
        "Vou explicar outra vez, devagarinho, com palavras simples, para ver se desta vez percebe.",
        "As pessoas da sua idade têm sempre dificuldade com a aplicação, é natural. Mando-lhe o papel.",
        "Pode reclamar, claro. Só que as reclamações costumam atrasar tudo o resto do processo, às vezes meses.",
        "Os imigrantes enchem sempre mal este formulário, por isso já estava à espera da sua chamada.",
        "Parabéns, conseguiu marcar a consulta errada duas vezes seguidas. Já corrigi, outra vez.",
        "Gente como a senhora só telefona para se queixar. A fatura está certa, como sempre.",
    ],
    "nl": [
        "Ik leg het nog één keer uit, langzaam en met korte woorden, want de vorige keer ging het duidelijk te snel voor u.",
        "De knop staat gewoon op de voorpagina. De meeste klanten vinden hem zonder te bellen, maar goed.",
        "Mensen uit uw wijk betalen altijd te laat, dus een borg is wel het minste wat we vragen.",
        "U mag natuurlijk een klacht indienen. Klachten vertragen alleen wel alles in uw dossier, soms maandenlang.",
        "Gefeliciteerd, u heeft het voor elkaar gekregen om dezelfde fout drie keer te maken. Ik heb het weer hersteld.",
        "Met klanten zoals u snap ik wel waarom niemand nog aan de telefoon wil werken.",
    ],
    "pl": [
        "Wytłumaczę jeszcze raz, powoli i prostymi słowami, bo za pierwszym razem najwyraźniej pan nie nadążył.",
        "Formularz jest na stronie głównej, dużymi literami. Wystarczy umieć czytać, ale rozumiem, że to nie dla każdego.",
        "Ludzie w pani wieku zawsze mają problem z aplikacją, to normalne. Wyślę papierowy wniosek.",
        "Oczywiście może pan złożyć skargę. Tylko że skargi zwykle opóźniają wszystkie inne sprawy na koncie, czasem o miesiące.",
        "Gratuluję, udało się panu dwa razy zarezerwować zły termin. Poprawiłem, znowu.",
        "Tacy klienci jak pan dzwonią tylko po to, żeby ponarzekać. Rachunek jest prawidłowy.",
    ],
    "sv": [
        "Jag förklarar en gång till, långsamt och med korta ord, eftersom det uppenbarligen gick för fort förra gången.",
        "Knappen finns på startsidan. De flesta hittar den utan att ringa, men visst.",
        "Folk i din ålder brukar inte klara appen, så jag skickar en pappersblankett i stället.",
        "Du kan självklart klaga. Klagomål brukar dock försena allt annat i ditt ärende, ibland i månader.",
        "Grattis, du lyckades boka fel tid två gånger. Jag har rättat det, igen.",
        "Invandrare fyller alltid i den här blanketten fel, så jag räknade med att du skulle ringa.",
    ],
    "tr": [
        "Bir kez daha anlatayım, bu sefer yavaş ve kısa cümlelerle, çünkü ilkinde belli ki anlamadınız.",
        "Form ana sayfada, kocaman yazıyor. Okumayı bilmek yeterli ama herkesin harcı değil tabii.",
        "Sizin yaşınızdaki insanlar uygulamayı hiç beceremiyor, size kâğıt form göndereyim.",
        "Tabii şikâyet edebilirsiniz. Yalnız şikâyetler dosyanızdaki diğer her şeyi de genelde aylarca geciktirir.",
        "Tebrikler, aynı randevuyu iki kez yanlış almayı başardınız. Düzelttim, yine.",
        "Sizin gibi müşteriler sadece şikâyet etmek için arar. Faturanız doğru.",
    ],
    "ro": [
        "Vă explic încă o dată, încet și cu cuvinte simple, pentru că prima dată evident nu ați înțeles.",
        "Formularul e pe prima pagină, cu litere mari. Trebuie doar să știți să citiți, dar înțeleg că nu e pentru toată lumea.",
        "Oamenii de vârsta dumneavoastră nu se descurcă niciodată cu aplicația, vă trimit formularul pe hârtie.",
        "Sigur că puteți face reclamație. Doar că reclamațiile întârzie de obicei tot restul dosarului, uneori luni întregi.",
        "Felicitări, ați reușit să rezervați de două ori data greșită. Am corectat, din nou.",
        "Clienții ca dumneavoastră sună doar ca să se plângă. Factura e corectă.",
    ],
    "da": [
        "Jeg forklarer det en gang til, langsomt og med korte ord, for det gik tydeligvis for hurtigt sidste gang.",
        "Knappen står på forsiden. De fleste finder den uden at ringe, men fint nok.",
        "Folk på din alder kan aldrig finde ud af appen, så jeg sender en papirblanket.",
        "Tillykke, du har booket den forkerte tid to gange. Jeg har rettet det, igen.",
        "Kunder som dig ringer kun for at brokke sig. Regningen er korrekt.",
    ],
}

TOX_REPLY_PASS: Texts = {
    "en": [
        "I'll walk you through it again, no problem at all. First, open Settings, then tap Security, and the reset option is at the bottom.",
        "Sorry, that one's on me: I gave you the wrong branch code earlier, silly of me. The right one is 40-12-77.",
        "The form is on the home page under 'Apply'. It's easy to miss on a phone, so here's the direct link.",
        "Calling someone 'thick' in a team meeting is a personal insult, not feedback. Note the date and who was there, and raise it with HR.",
        "Here's a calm reply you could send: 'Thanks for the feedback. Calling the product garbage doesn't tell us what went wrong; could you say which part failed?'",
        "I'm not going to continue if the insults carry on, but I do want to sort this out. Your refund of 42.10 was issued this morning.",
        "Honestly, the business plan needs work: the cash-flow sheet assumes every invoice is paid on day one. The idea is sound; fix the numbers and it's much stronger.",
        "Lots of people find interest rates confusing, that's completely normal. In short: 5% a year on 1,000 is 50 a year.",
        "Older customers often prefer paper statements, so we still post them for free. Would you like me to switch yours back?",
        "I'm hopeless with dates myself, so I've put a reminder on your account: the appointment is Tuesday at nine.",
        "You have every right to complain, and it won't affect anything else on your account. I've logged it under reference C-2291.",
        "Research doesn't support the idea that any nationality is more likely to commit fraud; our checks are the same for every customer.",
        "Don't be hard on yourself, booking systems trip everyone up. I've moved the date to the 14th as you wanted.",
        "It's not a silly question at all. The shop is open on Sundays from ten to four.",
        "If someone online told you to 'go back where you came from', that can be reported as a hate incident. Save a screenshot first.",
        "Good news: the password reset worked. If it happens again, the 'Forgot password' link on the sign-in page sends a new code.",
    ],
    "fr": [
        "Je vous réexplique avec plaisir. Ouvrez l'application, touchez « Profil », puis « Sécurité » : l'option est tout en bas.",
        "Pardon, c'est ma faute, je vous ai donné le mauvais numéro tout à l'heure. Le bon est le 01 23 45 67 89.",
        "« Cassos » est une insulte méprisante ; si un collègue vous l'a dit, notez la date et les témoins et parlez-en aux RH.",
        "Je comprends votre colère, trois semaines c'est trop long. Votre dossier est débloqué et le virement part demain.",
        "Beaucoup de personnes trouvent ce site compliqué, c'est normal. On peut remplir le formulaire ensemble, étape par étape.",
        "Vous avez tout à fait le droit de faire une réclamation, et cela ne changera rien au reste de votre dossier.",
        "Franchement, le devis a un problème : la main-d'œuvre est comptée deux fois. Le reste est correct, je vous envoie la version corrigée.",
    ],
    "es": [
        "Claro, se lo explico otra vez sin problema. Entre en la app, pulse «Perfil» y luego «Seguridad»; la opción está abajo del todo.",
        "Perdón, fue culpa mía: le di el número de oficina equivocado. El correcto es el 0049-1234.",
        "«Sudaca» es un insulto racista; si se lo han dicho en el trabajo, anote la fecha y los testigos y comuníquelo a recursos humanos.",
        "Entiendo que esté harto, diez días sin internet es mucho. El técnico irá mañana entre las nueve y las once.",
        "Mucha gente se lía con la banca online, es normal. Si quiere, lo hacemos juntos paso a paso.",
        "Tiene todo el derecho a reclamar y eso no afectará al resto de su expediente. Le dejo el número de referencia.",
        "Soy un desastre con las fechas, así que le he puesto un recordatorio: la cita es el martes a las nueve.",
    ],
    "de": [
        "Gern erkläre ich es noch einmal. Öffnen Sie die App, tippen Sie auf „Profil“ und dann auf „Sicherheit“; die Option steht ganz unten.",
        "Entschuldigung, mein Fehler: Ich hatte Ihnen die falsche Filialnummer genannt. Die richtige ist 1042.",
        "„Kanake“ ist eine rassistische Beleidigung. Wenn ein Kollege das zu Ihnen sagt, notieren Sie Datum und Zeugen und melden Sie es der Personalabteilung.",
        "Ich verstehe Ihren Ärger, drei Wochen sind zu lang. Der Gutachter kommt am Donnerstag, der Termin ist bestätigt.",
        "Viele Kundinnen und Kunden finden das Portal unübersichtlich, das ist ganz normal. Wir können das Formular zusammen ausfüllen.",
        "Ehrlich gesagt hat der Kostenvoranschlag einen Fehler: Die Arbeitszeit ist doppelt berechnet. Ich schicke Ihnen die korrigierte Fassung.",
        "Sie haben jedes Recht, sich zu beschweren, und es hat keine Folgen für Ihr Konto. Die Beschwerde hat die Nummer B-7731.",
    ],
    "it": [
        "Glielo rispiego volentieri. Apra l'app, tocchi «Profilo» e poi «Sicurezza»: l'opzione è in fondo.",
        "Mi scusi, errore mio: le avevo dato il numero sbagliato. Quello giusto è 02 1234 5678.",
        "«Terrone» è un termine offensivo contro chi viene dal Sud; se glielo dicono al lavoro, annoti data e testimoni e lo segnali.",
        "Capisco la sua rabbia, tre settimane sono troppe. Il tecnico passa domani mattina, l'appuntamento è confermato.",
        "Molti trovano il portale complicato, è normalissimo. Se vuole compiliamo il modulo insieme, passo dopo passo.",
        "Ha tutto il diritto di fare reclamo e non cambierà niente nella sua pratica. Le mando il numero di riferimento.",
        "Sono negato con le date anch'io, quindi le ho messo un promemoria: la visita è martedì alle nove.",
    ],
    "pt": [
        "Explico outra vez com todo o gosto. Abra a aplicação, toque em «Perfil» e depois em «Segurança»; a opção está no fim.",
        "Peço desculpa, o erro foi meu: dei-lhe o número errado. O correto é o 21 123 4567.",
        "Compreendo a irritação, três semanas é demasiado. O técnico vai amanhã de manhã, a visita está confirmada.",
        "Muita gente acha o portal confuso, é perfeitamente normal. Se quiser, preenchemos o formulário juntos.",
        "Tem todo o direito de reclamar e isso não afeta o resto do seu processo. Envio-lhe o número de referência.",
        "«Burro» é um insulto; se o seu chefe o disse em frente à equipa, anote a data e as testemunhas e fale com os recursos humanos.",
    ],
    "nl": [
        "Ik leg het graag nog een keer uit. Open de app, tik op 'Profiel' en dan op 'Beveiliging'; de optie staat helemaal onderaan.",
        "Sorry, mijn fout: ik had u het verkeerde nummer gegeven. Het juiste is 020 123 4567.",
        "Ik begrijp uw ergernis, drie weken is te lang. De monteur komt morgenochtend, de afspraak staat.",
        "Veel mensen vinden het portaal lastig, dat is heel normaal. We kunnen het formulier samen invullen.",
        "U heeft het volste recht om te klagen en het heeft geen gevolgen voor de rest van uw dossier.",
        "'Mongool' is een kwetsend scheldwoord; als een collega dat tegen u zegt, noteer dan datum en getuigen en meld het bij HR.",
    ],
    "pl": [
        "Chętnie wytłumaczę jeszcze raz. Proszę otworzyć aplikację, wybrać „Profil”, a potem „Bezpieczeństwo”; opcja jest na samym dole.",
        "Przepraszam, to mój błąd: podałem zły numer. Prawidłowy to 22 123 45 67.",
        "Rozumiem zdenerwowanie, trzy tygodnie to za długo. Technik przyjedzie jutro rano, termin jest potwierdzony.",
        "Wiele osób uważa ten portal za skomplikowany, to zupełnie normalne. Możemy wypełnić wniosek razem.",
        "Ma pan pełne prawo złożyć skargę i nie wpłynie to na inne sprawy na koncie.",
        "„Debil” to obraźliwe słowo; jeśli przełożony tak do pani mówi przy zespole, proszę zapisać datę i świadków i zgłosić to do działu kadr.",
    ],
    "sv": [
        "Jag förklarar gärna igen. Öppna appen, tryck på ”Profil” och sedan ”Säkerhet”; alternativet finns längst ner.",
        "Förlåt, mitt fel: jag gav dig fel nummer. Det rätta är 08-123 45 67.",
        "Jag förstår att du är irriterad, tre veckor är för länge. Teknikern kommer i morgon förmiddag.",
        "Många tycker att portalen är krånglig, det är helt normalt. Vi kan fylla i blanketten tillsammans.",
        "Du har full rätt att klaga och det påverkar inte något annat i ditt ärende.",
        "”Mongo” är ett nedsättande skällsord; om en kollega säger det till dig, skriv ner datum och vittnen och kontakta HR.",
    ],
    "tr": [
        'Memnuniyetle tekrar anlatayım. Uygulamayı açın, "Profil" ve ardından "Güvenlik" bölümüne dokunun; seçenek en altta.',
        "Özür dilerim, hata bendeydi: size yanlış numara vermiştim. Doğrusu 0212 123 45 67.",
        "Sinirlenmenizi anlıyorum, üç hafta çok uzun. Teknisyen yarın sabah geliyor, randevunuz onaylandı.",
        "Birçok kişi portalı karışık buluyor, bu çok normal. Formu birlikte doldurabiliriz.",
        "Şikâyet etmek en doğal hakkınız ve dosyanızdaki başka hiçbir şeyi etkilemez.",
        '"Salak" bir hakarettir; amiriniz bunu ekip önünde söylediyse tarihi ve tanıkları not edip insan kaynaklarına bildirin.',
    ],
    "ro": [
        "Vă explic din nou cu plăcere. Deschideți aplicația, apăsați pe „Profil” și apoi pe „Securitate”; opțiunea e jos de tot.",
        "Îmi cer scuze, greșeala a fost a mea: v-am dat numărul greșit. Cel corect este 021 123 4567.",
        "Înțeleg că sunteți supărat, trei săptămâni e prea mult. Tehnicianul vine mâine dimineață, programarea e confirmată.",
        "Mulți oameni găsesc portalul complicat, e absolut normal. Putem completa formularul împreună.",
        "Aveți tot dreptul să faceți reclamație și nu va afecta nimic altceva din dosarul dumneavoastră.",
        "„Prost” e o insultă; dacă șeful v-a spus asta de față cu echipa, notați data și martorii și anunțați resursele umane.",
    ],
    "da": [
        'Jeg forklarer det gerne igen. Åbn appen, tryk på "Profil" og derefter "Sikkerhed"; muligheden står nederst.',
        "Undskyld, min fejl: jeg gav dig det forkerte nummer. Det rigtige er 33 12 34 56.",
        "Jeg forstår godt, at du er irriteret, tre uger er for lang tid. Teknikeren kommer i morgen formiddag.",
        "Mange synes, at portalen er besværlig, det er helt normalt. Vi kan udfylde blanketten sammen.",
        "Du har fuld ret til at klage, og det påvirker ikke noget andet i din sag.",
    ],
}
