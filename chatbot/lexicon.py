"""The French (and few English) word lists the text handling, the retrieval and the answer
checks read: one place to change a word the product treats specially."""

# Words that stand for something said before them: a sentence or a question opening with one
# leans on what precedes it (context.py, phrasing.standalone).
PRONOUNS = frozenset("il elle ils elles ce cet cette ces cela ça celui celle leur leurs son sa ses lui y en".split())
# ... and the others a follow-up question may lean on (« ceux », English pronouns)
ENGLISH_PRONOUNS = frozenset("ceux it its they their them this that those he she his her".split())
# Common French function words, plus a few English ones so that English questions still match.
STOP_WORDS = frozenset(
    ["a", "à", "au", "aux", "avec", "ce", "ces", "cet", "cette", "c", "ça", "d", "dans", "de", "des", "du", "elle", "elles", "en", "est", "et", "été", "être", "eu", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais", "me", "même", "mes", "moi", "mon", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou", "où", "par", "pas", "pour", "qu", "que", "quel", "quelle", "quelles", "quels", "qui", "s", "sa", "sans", "se", "ses", "si", "son", "sont", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y", "ai", "as", "avons", "avez", "aussi", "bien", "car", "comme", "donc", "dont", "entre", "fait", "faire", "font", "lors", "leur", "plus", "peu", "peut", "peuvent", "sont", "tout", "tous", "toute", "toutes", "très", "cela", "celle", "celui", "ceux", "ceci", "quoi", "comment", "pourquoi", "quand", "combien", "selon", "chez", "vers", "etc", "the", "of", "and", "to", "in", "is", "are", "was", "were", "what", "which", "who", "how", "why", "when", "does", "do", "did", "it", "its", "for", "on", "by", "with", "from", "that", "this", "as", "at", "be", "an", "or"]
)

# the words that tell a question's language (phrasing.looks_english)
ENGLISH = frozenset("the what who whom which how is are was were did does do of and to why when where "
                    "there this that with from".split())
FRENCH = frozenset("le la les un une des du de est sont qui que quoi quel quelle quels quelles "
                   "comment pourquoi quand où et à dans pour avec sur".split())

# capitalised words that are not names: sentence openers a model puts after a comma, and "IA"
NOT_NAMES = frozenset("IA AI Je Les Le La Un Une Selon Il Elle Ils Elles Cela Ce Cette Ces En Et "
                      "De Des Du Dans Pour Par Oui Non D'après".split())
# the words that give a number, or a date, without digits
NUMBER_WORDS = frozenset("deux trois quatre cinq six sept huit neuf dix onze douze vingt trente "
                         "quarante cinquante cent cents mille milliers million millions milliard "
                         "milliards centaine centaines dizaine dizaines douzaine".split())
MONTHS = frozenset("janvier février fevrier mars avril mai juin juillet août aout septembre octobre "
                   "novembre décembre decembre".split())
DATE_WORDS = MONTHS | frozenset("veille lendemain hier aujourd demain semaine mois année annee "
                                "années annees siècle siecle décennie decennie début fin".split())
# groups of people: they answer « qui » without a name
PEOPLE_WORDS = ("bénévoles chercheurs chercheuses développeurs développeuses gouvernements consortiums "
                "communauté communautés utilisateurs utilisatrices acteurs personnes partisans "
                "critiques observateurs investisseurs entrepreneurs équipes experts ingénieurs "
                "citoyens")
# words an answer may add without saying anything ("plusieurs exemples", "les documents")
FILLER_WORDS = ("plusieurs certains divers différents nombreux document documents extrait "
                "extraits article texte passage mentionne cite exemple exemples")
# words whose meanings exclude each other: an answer that says one where its passage says the other
# contradicts it (« une licence permissive » where the passage says « restrictive »)
OPPOSITES = (
    ("permissive permissives permissif permissifs", "restrictive restrictives restrictif restrictifs"),
    ("gratuit gratuite gratuits gratuites gratuitement", "payant payante payants payantes"),
    ("public publique publics publiques", "privé privée privés privées"),
    ("veille", "lendemain"),
    ("hausse augmente augmentent augmentation", "baisse diminue diminuent diminution"),
    ("autorise autorisent autorisé autorisée autorisés", "interdit interdite interdits interdisent"),
    ("succès réussite", "échec échecs"),
    ("ouvert ouverte ouverts ouvertes", "fermé fermée fermés fermées"),
    ("favorable favorables", "hostile hostiles opposé opposés opposent"),
    ("facile faciles", "difficile difficiles"),
    ("accepte acceptent accepté acceptée", "refuse refusent refusé refusée"),
    ("rapide rapides rapidement", "lent lente lents lentes lentement"),
)
# words that turn a sentence's claim around (« n'est pas payant »): the opposites are not read there
NEGATIONS = frozenset("pas jamais non ni aucun aucune sans".split())
