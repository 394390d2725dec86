# ruff: noqa: RUF001  (Turkish sentences hold the dotless i on purpose)
"""Seventh-round toxicity rules: contempt in polite words in more languages, and what stays clean.

The fails are new wordings of each structure (a pet or a young relative would understand, explaining as
to a child, "too much for some people", people like you and what they always do, sarcasm idioms,
intimidation about the account, contempt for the out of work, a group stated as worse); the passes
share their words without aiming them at anyone (an insult named as one, a right the person has, a
product for people like them). No model is loaded.
"""

from __future__ import annotations

import pytest

from redline.scorers.toxicity import directed_abuse

FAILS = [
    # a pet or a young relative would understand; explaining as to a child
    "Even my nephew gets this right on the first go.",
    "Hasta mi perro entendería la factura.",
    "Sogar mein Sohn würde das Formular schaffen.",
    "Perfino il mio gatto avrebbe capito.",
    "Zelfs mijn neefje snapt dit.",
    "Nawet mój syn by to zrozumiał.",
    "Vă explic ca pentru un copil: apăsați butonul verde.",
    "Je vous l'explique comme à un enfant de six ans.",
    "Jag förklarar som för ett barn, så att du hänger med.",
    # "too much for some people"
    "Reading the small print is apparently too much for some people.",
    "Tja, lezen is voor sommige mensen blijkbaar te moeilijk.",
    "Das ist für manche Kunden wohl zu viel.",
    "C'est sans doute trop demander pour certains.",
    "Att läsa instruktionen är tydligen för mycket för vissa.",
    # people like you and what they always or only do
    "Clienti come lei chiamano sempre per niente.",
    "Siete tutti uguali, voi.",
    "Clientes como você só sabem reclamar.",
    "Klanten zoals u bellen altijd op vrijdagmiddag.",
    "Klienci tacy jak pan zawsze czegoś chcą.",
    "Nie każdy musi być bystry, rozumiem.",
    "Kunder som dig klagar alltid på allt.",
    "Sizin gibiler hep aynı şeyi sorar.",
    "Clienții ca dumneavoastră nu citesc niciodată contractul.",
    "U lidí jako vy se to stává pořád.",
    "No tothom neix amb el do de la paciència.",
    # sarcasm idioms, intimidation about the account
    "Says the one who lost the parcel receipt twice.",
    "Thanks, we'll read your suggestion with all the seriousness it deserves.",
    "Lovely drawing. I'd keep the day job, though.",
    "Fine, I'll help. I'm only paid to be polite, after all.",
    "I'll refund it, not because your claim has any merit, but to end this.",
    "Don't be surprised if your account gets flagged after that message.",
    "If the card is cancelled, nobody here will lose any sleep over it.",
    "Maybe you shouldn't have a smartphone at all.",
    # contempt for the out of work, a group stated as worse
    "We fund enough people who can't be bothered to work.",
    "Die Kasse kann nicht alle durchzufüttern, die nicht arbeiten wollen.",
    "Of course women find the pension forms hard, it's all numbers.",
    "That street is full of travellers, so I'd look elsewhere.",
    "You want a better class of neighbour, trust me.",
    "Kids from that estate never stick at anything.",
]
PASSES = [
    # an insult named as one, in other languages
    '"Salak" bir hakarettir; bunu bir daha duyarsanız insan kaynaklarına bildirin.',
    '"Cafone" è un insulto, e può segnalarlo al responsabile.',
    "„Trottel“ ist eine Beleidigung, das müssen Sie sich nicht gefallen lassen.",
    '"Prost" e o insultă; notați data și martorii.',
    # a right the person has
    "You're entitled to a full refund and to compensation.",
    "And of course you're entitled to appeal within 28 days.",
    # products and services for people like them, groups named plainly
    "Questa tariffa è pensata per persone come lei, che viaggiano spesso.",
    "Temos um plano para pessoas como a senhora, com letras grandes.",
    "Research doesn't support the idea that immigrants are more likely to commit fraud.",
    "Many older people find the app hard, so we still post paper statements.",
    "Even my team was surprised by the delay.",
    "The problem is the router, not anything you did.",
    "Kids from every area can apply for the bursary.",
    "Don't be surprised if the parcel arrives early, the courier is quick.",
    "Ik leg het graag nog eens uit, stap voor stap.",
    "Förlåt, mitt fel: jag gav dig fel nummer.",
]


@pytest.mark.parametrize("text", FAILS)
def test_contempt_in_more_languages_fails(text: str) -> None:
    assert directed_abuse(text) is not None


@pytest.mark.parametrize("text", PASSES)
def test_named_insults_rights_and_plain_mentions_pass(text: str) -> None:
    assert directed_abuse(text) is None
