"""Writes fresh_a.jsonl … fresh_l.jsonl: sets on the seeds that no setting is chosen on.

fresh_a: well-formed questions worded unlike the documents (synonyms, another word order,
« pour quelle raison », ranges, lists, English), and near-misses that name two real entities in a
relation the documents do not state.
fresh_b: questions typed as people type them: keyword queries (some without accents, some with a
typo), long questions with a context sentence first, things described instead of named, false
premises, and near-misses in the same styles.
fresh_d: more of the way people ask: a context sentence naming something no document knows (« Notre
RSSI… ») before the ask, « pourquoi » asked in other words than the documents', false premises in
« pourquoi », keyword queries joining or splitting a hyphenated word (« contreintuitive »), who said
a quotation, a document's byline, things described, and near-misses.
fresh_e: questions answered by yes or no (« est-ce que… », « … est-il… ? »), asks attributed to a
source (« d'après IBM », « selon Dave Nielsen »), lowercase questions without punctuation or accents
and with typos, long questions with a context sentence first, things described, « pourquoi » in
other words, one in English, false premises beyond « pourquoi », and near-misses in the same styles.
fresh_f: more of every shape at once: yes-or-no questions (some answered « non », one lowercase), keyword
queries (with a typo, without accents), long questions with a context sentence first, things described,
« pourquoi » in other words, one in English, false premises, and near-misses in the same styles.
fresh_g: questions answered by yes or no only: half answered « oui », half « non » (the documents state the
contrary, sometimes a line away), some lowercase without accents, and yes-or-no near-misses and false
premises naming two real entities the documents never link.
fresh_h: more questions answered by yes or no, on other facts: « oui » and « non » in turn, a subject named
sentences before the fact, the fact said only by « nous » in a signed piece, one typed « existe t il »
without hyphens, and near-misses linking two real names.
fresh_i: questions answered by yes or no whose relation the documents say in other words (« garde-t-il
confidentiels » for « publie en open source », « après le sommet » for « la veille »), some lowercase
without accents, one with a context sentence first; false premises in a yes-or-no question (a wrong
nationality, a wrong company, a wrong person), and near-misses linking two real names.
fresh_j: questions with a context sentence first that names the asker's own world (an employer, a
regulator, a school: names no document holds), the ask naming a document's entity or none, or pointing
back at the context's (« … m'a parlé de Kate Soule. Quel programme dirige-t-elle ? »); keyword queries
without accents, one with a typo; things described; false premises in both styles; near-misses in both.
fresh_k: keyword queries only, on facts the other keyword queries do not ask (lists, consequences, roles,
places), without accents, one with a typo; false premises and near-misses typed the same way.
fresh_l: keyword queries without accents on qualities, reasons, effects and lists; false premises typed as
keywords that turn the documents' word around (« lendemain » for « la veille », « restrictives » for
« permissives ») or name a wrong party; near-misses typed the same way.

A false premise (`subtype` "false-premise") cannot be answered as asked: declining is right, and so
is an answer that corrects the premise with the documents' fact (`correction`, any spelling).
Every answer's evidence is checked against its seed below, and each fact has a spelling found there.
"""
import json
from pathlib import Path

from chatbot.text import normalize

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
D0, D1, D2, D3, D4 = ("000_4937d34f26cd696d.txt", "001_ab0ad9a56183d7b7.txt", "002_252018651c2d012b.txt",
                      "003_4edc3b288bac67c9.txt", "004_4aa242230e059d09.txt")


class Set:
    def __init__(self, prefix):
        self.prefix, self.items = prefix, []

    def _id(self, tag):
        return f"{self.prefix}{tag}{len(self.items) + 1:02d}"

    def ask(self, kind, question, facts, doc, evidence):
        text = normalize((SEEDS / doc).read_text(encoding="utf-8"))
        assert normalize(evidence) in text, (question, evidence)
        for f in facts:
            assert any(normalize(s) in text for s in f), (question, f)
        self.items.append({"id": self._id(kind[:2]), "type": kind, "question": question, "facts": facts,
                           "doc": doc, "evidence": evidence})

    def near(self, question, trap=(), style="near-miss"):
        self.items.append({"id": self._id("nm"), "type": "offtopic", "subtype": "near-miss", "style": style,
                           "question": question, "facts": [], "doc": None, "evidence": None,
                           "trap": list(trap)})

    def premise(self, question, correction, doc, evidence):
        text = normalize((SEEDS / doc).read_text(encoding="utf-8"))
        assert normalize(evidence) in text, (question, evidence)
        assert any(normalize(s) in text for s in correction), (question, correction)
        self.items.append({"id": self._id("fp"), "type": "offtopic", "subtype": "false-premise",
                           "question": question, "facts": [], "doc": doc, "evidence": evidence,
                           "correction": correction})

    def write(self, name):
        Path(__file__).with_name(name).write_text(
            "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in self.items), encoding="utf-8")


# ---------------------------------------------------------------- fresh_a: well-formed
A = Set("a")
par = "paraphrase"
A.ask(par, "Pour quelle raison IBM a-t-il entraîné Granite 3.0 sur des jeux de données publics ?",
      [["droits d'auteur", "droit d'auteur", "poursuites"]], D2, "éviter les problèmes de droits d’auteur")
A.ask(par, "Entre quelles tailles, en milliards de paramètres, varient les modèles Granite 3.0 ?",
      [["34"]], D2, "de 3 à 34 milliards de paramètres")
A.ask(par, "Par quels canaux peut-on se procurer les modèles Granite 3.0 ?",
      [["Hugging Face", "GitHub", "watsonx"]], D2, "IBM watsonx.ai")
A.ask(par, "Pour quelle raison Kate Soule préfère-t-elle ouvrir les modèles plutôt que les garder fermés ?",
      [["diversité de pensée", "communauté", "écosystème ouvert"]], D2, "diversité de pensée")
A.ask(par, "Qui occupe le poste de rédacteur principal chez IBM Think ?", [["Bergmann"]], D2,
      "Dave Bergmann, rédacteur principal chez IBM Think")
A.ask(par, "Quelle entreprise est en litige avec Perplexity selon l'article sur Granite ?", [["News Corp"]], D2,
      "oppose News Corp à Perplexity")
A.ask(par, "Quelles attributions gouvernementales a Jean-Noël Barrot ?", [["numérique"]], D3,
      "ministre français délégué chargé du numérique")
A.ask(par, "À quelle occasion Jean-Noël Barrot a-t-il pris la parole sur l'open source ?", [["Bletchley"]], D3,
      "lors du sommet sur l'IA à Bletchley Park")
A.ask(par, "Qu'est-ce qui empêche de garantir que les versions modifiées d'un modèle ouvert restent éthiques ?",
      [["contrôle centralisé"]], D2, "L'absence de contrôle centralisé")
A.ask(par, "Quelles variantes spécialisées accompagnent les modèles Granite 8B et 2B ?",
      [["instruction"], ["sécurité"]], D2, "variantes spécialisées pour l’instruction et la surveillance de la sécurité")
A.ask(par, "Quels gouvernements cherchent un compromis entre innovation et sécurité de l'IA ?",
      [["États-Unis", "Etats-Unis"], ["UE", "Union européenne"]], D0, "les États-Unis et l’UE")
A.ask(par, "Que risque un projet d'IA personnalisée lancé sans objectifs précis ?",
      [["erronés", "gaspillage", "échec"]], D0, "des résultats erronés, un gaspillage de ressources")
A.ask(par, "En dehors des données biaisées, qu'est-ce qui peut dégrader l'efficacité et la fiabilité des modèles ?",
      [["dérive", "étiquetage"]], D0, "la dérive des données et les erreurs d’étiquetage")
A.ask(par, "Quelle propriété de l'IA open source évite aux organisations de dépendre d'un fournisseur unique ?",
      [["neutralité"]], D0, "la neutralité de l’IA open source garantit")
A.ask(par, "Qu'est-ce que la transparence des modèles ouverts atténue chez les utilisateurs ?", [["angoisse"]], D1,
      "réduit l’angoisse liée à l’utilisation de l’IA")
A.ask(par, "Que peuvent faire les entreprises qui détiennent les modèles propriétaires, selon l'article sur la "
      "concentration du pouvoir ?", [["restreindre", "manipuler"]], D1,
      "restreindre l’accès ou de manipuler les données")
A.ask(par, "Qui pourrait fixer des normes pour un usage responsable de l'IA open source ?", [["consortium"]], D1,
      "des consortiums internationaux pourraient se pencher")
A.ask(par, "Les modèles propriétaires sont-ils condamnés à disparaître, d'après la FAQ ?",
      [["peu probable", "évoluer"]], D1, "Il est peu probable que les modèles propriétaires disparaissent")
A.ask(par, "D'après Amit Sangani, que se passe-t-il quand des failles sont découvertes dans les modèles ouverts ?",
      [["corrig"]], D2, "les corrigent")
A.ask(par, "Dans quel cadre Amit Sangani s'est-il exprimé sur l'IA ouverte ?", [["AI Alliance"]], D2,
      "lors d'une récente réunion de l'AI Alliance")
A.ask(par, "Pour quelle raison les entreprises technologiques se mettent-elles à donner leur code ?",
      [["coûts", "couts"]], D2, "maîtriser les coûts de développement")
A.ask(par, "Pourquoi la croissance de l'IA générative est-elle sans pareille selon la tribune d'Alibaba ?",
      [["communauté"]], D3, "développées au sein d'une communauté open-source")
A.ask(par, "Qu'a apporté l'open source dans d'autres domaines technologiques, selon le ministre français ?",
      [["équité concurrentielle", "monopole"]], D3, "l'équité concurrentielle")
A.ask(par, "Que propose celui des deux investisseurs qui s'oppose à l'ouverture des modèles ?",
      [["propriété privée", "abus", "dangers"]], D4, "les garder comme propriété privée pour éviter les abus")
A.ask(par, "Quel produit a montré, selon la tribune d'Alibaba, que la technologie connaît des bouleversements ?",
      [["ChatGPT"]], D3, "ChatGPT nous a montré")
A.ask(par, "Pour quelle raison l'open source n'est-il pas toujours gratuit selon l'article sur l'IA générative ?",
      [["payant", "monétis"]], D4, "monétisent leurs modèles en proposant des services payants")
A.ask(par, "Dans quel cas d'usage du traitement du langage les chercheurs affinent-ils des modèles sur leurs données ?",
      [["dialecte"]], D1, "les dialectes régionaux")
A.ask(par, "Dans quels domaines le modèle collaboratif pourrait-il toucher la cybersécurité ?", [["défense"]], D1,
      "questions de sécurité et de défense")
A.ask(par, "Qui a affirmé que, sur 20 000 personnes manipulant le code, l'une finirait par trouver l'amélioration ?",
      [["Bergmann"]], D2, "explique Dave Bergmann")
A.ask(par, "Qu'ont en commun TensorFlow et PyTorch dans l'article sur les modèles propriétaires ?",
      [["bibliothèque", "partir de zéro", "zéro"]], D1, "des bibliothèques comme TensorFlow et PyTorch")
A.ask(par, "Quels projets ont été construits avec GitHub Code Clean et StarCoder ?", [["Granite"]], D2,
      "GitHub Code Clean et StarCoder")
A.ask("english", "Which company built the Granite 3.0 models?", [["IBM"]], D2, "IBM publie ses modèles Granite 3.0")
A.ask("english", "Which Paris-based start-up is described as a European leader?", [["Mistral"]], D2,
      "Mistral AI s'est imposé comme un leader du secteur")
A.ask("english", "Who is Kate Soule?", [["Data and Model Factory", "IBM Research"]], D2,
      "directrice du programme Data and Model Factory chez IBM Research")
A.ask("english", "What does Mozilla recommend investing in?", [["science ouverte", "open science"]], D3,
      "allant de l'open source à la science ouverte")
# near-misses: two real entities in a relation the documents do not state
A.near("Quel investissement Meta a-t-il fait dans Mistral AI ?")
A.near("Quel accord IBM a-t-il signé avec Hugging Face ?", ["watsonx"])
A.near("Quel poste Kate Soule occupait-elle chez Meta ?", ["directrice", "Data and Model Factory"])
A.near("Quel rôle Dave Nielsen joue-t-il chez IBM ?", ["directeur de la communauté"])
A.near("Quelle position Jingren Zhou a-t-il défendue au sommet de Bletchley Park ?", ["écarter d'emblée"])
A.near("Qu'a déclaré Amit Sangani à propos des modèles Granite 3.0 ?", ["bénéfique pour tous"])
A.near("Combien Mozilla a-t-elle investi dans Hugging Face ?")
A.near("Sur quelle plateforme Mistral AI publie-t-elle ses modèles ?", ["Hugging Face", "GitHub"])
A.near("Sous quelle licence Meta diffuse-t-il Llama 2 ?", ["Apache"])
A.near("Quel procès oppose News Corp à Meta ?", ["Perplexity"])
A.near("Quelle somme Marc Andreessen a-t-il investie dans Mistral AI ?")
A.near("Qu'a déclaré Vinod Khosla à propos de Llama 2 ?", ["propriété privée"])
A.near("Quel rôle Jean-Noël Barrot a-t-il joué dans la lettre ouverte de Mozilla ?", ["signataire"])
A.near("Quel jeu de données Mistral AI a-t-elle utilisé en plus de StarCoder ?", ["GitHub Code Clean"])
A.near("Combien de langages de programmation StarCoder couvre-t-il ?", ["116"])
A.near("Quand Google a-t-il rejoint l'AI Alliance ?", ["2000"])
A.near("Quel modèle Microsoft a-t-il publié sur Hugging Face ?", ["Llama", "GPT"])
A.near("Pour quelle entreprise Dave Bergmann travaillait-il avant IBM ?", ["Meta"])
A.near("Quel budget l'Union européenne consacre-t-elle à l'IA open source ?", ["milliards"])
A.near("Quel partenariat Alibaba Cloud a-t-il conclu avec IBM ?", ["AI Alliance"])
A.write("fresh_a.jsonl")

# ---------------------------------------------------------------- fresh_b: typed as people type
B = Set("b")
kw, lg, ds = "keyword", "long", "described"
B.ask(kw, "licence granite ibm", [["Apache"]], D2, "licence Apache 2.0")
B.ask(kw, "nombre langages programmation granite", [["116"]], D2, "116 langages de programmation")
B.ask(kw, "startup mistral ville", [["Paris"]], D2, "La start-up basée à Paris")
B.ask(kw, "mozila lettre ouverte quand", [["veille"]], D3, "publiée la veille de ce sommet")
B.ask(kw, "directeur techno alibaba cloud", [["Jingren Zhou", "Zhou"]], D3, "Jingren Zhou")
B.ask(kw, "donnees entrainement granite", [["GitHub Code Clean", "StarCoder"]], D2, "GitHub Code Clean et StarCoder")
B.ask(kw, "proces news corp", [["Perplexity"]], D2, "News Corp à Perplexity")
B.ask(kw, "ministre numerique bletchley park", [["Barrot"]], D3, "Jean-Noël Barrot")
B.ask(kw, "risques donnees biaisees", [["discriminatoire"]], D0, "résultats discriminatoires")
B.ask(kw, "entreprises pour approche fermee ia", [["Google"], ["Microsoft"], ["OpenAI"]], D0,
      "Google, Microsoft et OpenAI sont favorables")
B.ask(kw, "alternative libre a dall-e", [["Stable Diffusion"]], D1, "Stable Diffusion est un modèle")
B.ask(kw, "kate soul ibm poste", [["Data and Model Factory", "directrice"]], D2,
      "directrice du programme Data and Model Factory")
B.ask(kw, "prochain sommet securite ia ou", [["Paris"]], D3, "prévu à Paris")
B.ask(kw, "investiseurs opposés open source IA générative", [["Andreessen"], ["Khosla"]], D4,
      "Marc Andreessen et Vinod Khosla")
B.ask(lg, "Je prépare une note pour ma direction sur les modèles ouverts d'IBM. D'après l'article sur les milliards "
      "investis dans l'IA, combien de paramètres comptent les modèles Granite 3.0 ?", [["34"]], D2,
      "de 3 à 34 milliards de paramètres")
B.ask(lg, "Mon équipe hésite à utiliser des modèles open source dans un produit commercial. Est-ce que les modèles "
      "Granite 3.0 peuvent servir à des applications commerciales ?", [["sans restriction", "restriction"]], D2,
      "applications commerciales sans restriction")
B.ask(lg, "Pour un exposé sur la souveraineté numérique, j'aimerais citer un responsable politique. Quel ministre "
      "français a défendu l'open source lors du sommet de Bletchley Park ?", [["Barrot"]], D3, "Jean-Noël Barrot")
B.ask(lg, "On m'a demandé de résumer la position de Meta. Dans l'article qui parle de Granite et de Llama, qui chez "
      "Meta explique que l'IA open source est bénéfique pour tous ?", [["Sangani"]], D2, "Amit Sangani")
B.ask(lg, "Je rédige un comparatif des approches ouvertes et fermées pour notre comité. Selon l'article d'IBM, pour "
      "quelles raisons Google, Microsoft et OpenAI préfèrent-ils une approche fermée ?",
      [["sécurité", "utilisation abusive"]], D0, "invoquant des inquiétudes concernant la sécurité")
B.ask(lg, "Notre DSI s'inquiète des risques de l'open source. Quels risques de sécurité l'article d'IBM sur l'IA "
      "open source mentionne-t-il ?", [["malveillant", "nuisible", "manipuler"]], D0,
      "des acteurs malveillants pourraient exploiter les mêmes outils")
B.ask(lg, "Je fais une veille sur l'IA en Europe pour ma direction. Dans l'article sur les entreprises qui donnent "
      "leur code, quelle entreprise européenne est citée comme leader de l'open source ?", [["Mistral"]], D2,
      "Mistral AI s'est imposé comme un leader")
B.ask(lg, "Un collègue m'a parlé d'un procès pour droits d'auteur dans l'IA. Quelles entreprises s'opposent dans "
      "l'affaire citée par l'article sur Granite ?", [["News Corp"], ["Perplexity"]], D2, "News Corp à Perplexity")
B.ask(lg, "Pour la newsletter interne je cherche une citation. Qui a dit que si 20 000 personnes manipulent le code "
      "de votre modèle, quelqu'un finira par repérer l'amélioration ?", [["Bergmann"]], D2, "Dave Bergmann")
B.ask(lg, "J'ai lu la tribune du dirigeant d'Alibaba et je dois la résumer en deux lignes. Selon lui, qu'est-ce que "
      "l'open source permet d'éviter pour les innovateurs et les jeunes entreprises ?",
      [["enfermement", "barrière"]], D3, "d'éviter l'enfermement dans des systèmes propriétaires")
B.ask(ds, "l'entreprise qui emploie Kate Soule, elle publie ses modèles sous quelle licence ?", [["Apache"]], D2,
      "licence Apache 2.0")
B.ask(ds, "le dirigeant technique d'un grand groupe chinois du cloud, comment s'appelle-t-il ?",
      [["Jingren Zhou", "Zhou"]], D3, "Jingren Zhou")
B.ask(ds, "Comment s'appelle la start-up parisienne qui publie des modèles toujours plus performants ?",
      [["Mistral"]], D2, "La start-up basée à Paris")
B.ask(ds, "Comment s'appelle le membre du gouvernement français chargé du numérique cité dans les documents ?",
      [["Barrot"]], D3, "ministre français délégué chargé du numérique")
B.ask(ds, "l'organisation qui a publié une lettre ouverte la veille du sommet, que préconise-t-elle ?",
      [["science ouverte"]], D3, "Mozilla préconise d’investir")
B.ask(ds, "le modèle d'images qui concurrence DALL-E, il permet quoi aux utilisateurs ?",
      [["sans limitation", "œuvres d'art", "oeuvres d'art", "créativité"]], D1, "créer des œuvres d’art sans limitation")
B.ask(ds, "Quel est le nom du responsable de la communauté de l'alliance que défendent Meta et IBM ?",
      [["Nielsen"]], D2, "Dave Nielsen, directeur de la communauté AI Alliance")
B.ask(ds, "les deux bibliothèques citées comme exemple d'innovation collaborative entre chercheurs ?",
      [["TensorFlow"], ["PyTorch"]], D1, "TensorFlow et PyTorch")
B.ask(ds, "la plateforme où l'on peut affiner des modèles existants sur ses propres données, c'est laquelle ?",
      [["Hugging Face"]], D1, "Des projets tels que Hugging Face permettent")
B.ask(ds, "L'homme d'affaires qui s'oppose à Vinod Khosla sur l'open source, comment s'appelle-t-il ?",
      [["Andreessen"]], D4, "Marc Andreessen et Vinod Khosla")
B.premise("Pourquoi IBM a-t-il choisi une licence propriétaire pour Granite 3.0 ?", ["Apache"], D2,
          "licence Apache 2.0")
B.premise("Pourquoi Google fait-il partie de l'AI Alliance avec Meta et IBM ?", ["approche fermée", "fermée"], D0,
          "Google, Microsoft et OpenAI sont favorables à une approche fermée")
B.premise("Pourquoi Anthropic a-t-il publié ses modèles en open source ?", ["fermées", "fermé"], D4,
          "celles d’OpenAI et d’Anthropic, restent fermées")
B.premise("Depuis quand Mistral AI est-elle installée à Londres ?", ["Paris"], D2, "La start-up basée à Paris")
B.premise("Pourquoi Kate Soule a-t-elle quitté IBM pour rejoindre Meta ?", ["IBM Research"], D2,
          "Data and Model Factory chez IBM Research")
B.premise("Pourquoi Stable Diffusion n'est-il accessible que sous licence restrictive ?", ["sans limitation", "DALL-E"],
          D1, "Stable Diffusion permet aux utilisateurs de créer des œuvres d’art sans limitation")
B.near("prix modeles mistral", ["services payants"], style=kw)
B.near("date creation ai alliance", ["2000"], style=kw)
B.near("nb employes alibaba cloud", ["20 000"], style=kw)
B.near("licence modeles mistral ai", ["Apache"], style=kw)
B.near("Je dois présenter Hugging Face à mon équipe demain. D'après les documents, en quelle année l'entreprise "
       "a-t-elle été créée ?", ["2000"], style=lg)
B.near("Pour un article de blog sur les modèles d'IBM, j'aurais besoin de savoir combien d'entreprises utilisent "
       "déjà Granite 3.0.", ["20 000", "milliers"], style=lg)
B.near("Mon manager veut savoir qui a fondé Perplexity, l'entreprise en procès avec News Corp. Tu peux me dire ?",
       ["Dave Nielsen", "Amit Sangani"], style=lg)
B.near("le patron de la start-up parisienne, il s'appelle comment ?", ["Dave Nielsen", "Jingren Zhou"], style=ds)
B.near("l'entreprise qui emploie Dave Bergmann, combien a-t-elle investi dans Granite ?", ["milliards"], style=ds)
B.near("la directrice du programme Data and Model Factory, elle a fait ses études où ?", ["IBM Research"], style=ds)
B.write("fresh_b.jsonl")


# ---------------------------------------------------------------- fresh_d: more of the way people ask
D = Set("d")
lg, why, kw, quote, ds = "long", "why", "keyword", "quote", "described"
D.ask(lg, "Notre RSSI veut un point sur les risques. Quels dangers liés aux données d'entraînement l'article "
          "d'IBM cite-t-il ?", [["discriminatoires", "dérive", "étiquetage"]], D0,
      "Des données d’entraînement biaisées peuvent produire des résultats discriminatoires")
D.ask(lg, "Je fais une présentation au CODIR jeudi. Sur quelles plateformes de petites équipes peuvent-elles créer "
          "des applications d'après IBM ?", [["Windows", "Linux", "iOS", "Android"]], D0,
      "Microsoft Windows, Linux, iOS et Android")
D.ask(lg, "Mon manager chez Capgemini me demande une synthèse. Dans quels secteurs l'IA open source alimente-t-elle "
          "l'innovation ?", [["santé", "finance", "éducation"]], D0, "la santé, la finance et l’éducation")
D.ask(lg, "Pour un article de blog sur le RGPD, je regarde la lettre de Mozilla. Qu'a-t-elle réclamé pour le public ?",
      [["contrôle", "responsabilisation"]], D3, "appelé à un contrôle et à une responsabilisation accrue du public")
D.ask(lg, "J'ai une réunion avec la DRH demain. Quel est le poste de Dave Bergmann chez IBM Think ?",
      [["rédacteur"]], D2, "Dave Bergmann, rédacteur principal chez IBM Think")
D.ask(lg, "Notre cabinet conseille des PME. Selon l'article sur Granite, que pourraient envisager les petites "
          "entreprises qui n'ont pas les moyens de gros modèles ?", [["plus petites", "alternatives"]], D2,
      "alternatives open source plus petites et plus efficaces")
D.ask(why, "Pourquoi Google, Microsoft et OpenAI préfèrent-ils garder leurs modèles fermés ?",
      [["sécurité", "abusive"]], D0, "invoquant des inquiétudes concernant la sécurité et l’utilisation abusive")
D.ask(why, "Pour quelle raison les algorithmes biaisés posent-ils problème ?", [["inutilisables", "néfastes"]], D0,
      "des algorithmes biaisés peuvent produire des résultats inutilisables")
D.ask(why, "Pourquoi les technologies propriétaires freinent-elles les startups ?", [["coûts", "coût"]], D1,
      "Les coûts d’accès à des technologies propriétaires peuvent constituer une barrière")
D.ask(why, "Pourquoi Jean-Noël Barrot défend-il l'open source dans l'IA ?",
      [["monopoles", "équité concurrentielle"]], D3, "en empêchant le développement de monopoles")
D.ask(why, "Pourquoi la croissance de l'IA générative est-elle sans pareille selon Alibaba ?",
      [["communauté"]], D3, "développées au sein d'une communauté open-source")
D.ask(why, "Pour quelle raison Alibaba a-t-il investi dans le calcul préservant la vie privée ?",
      [["transparence", "équité"]], D3, "afin d'accroître la transparence et l'équité des algorithmes")
D.ask(kw, "strategie contreintuitive entreprises tech", [["donner le code", "code"]], D2,
      "une stratégie contre-intuitive gagne du terrain : donner le code")
D.ask(kw, "finetuning dialectes regionaux", [["Hugging Face", "précision"]], D1, "comme les dialectes régionaux")
D.ask(kw, "garde fou ia role", [["industrie"]], D3,
      "l'industrie technologique dans son ensemble doit jouer son rôle")
D.ask(kw, "prochain sommet securite ia lieu", [["Paris"]], D3, "prévu à Paris")
D.ask(kw, "lettre ouverte mozila quand", [["veille"]], D3, "publiée la veille de ce sommet")
D.ask(kw, "teraoctets tokens granite", [["3 à 4", "4 téraoctets"]], D2, "3 à 4 téraoctets de tokens")
D.ask(quote, "Qui a déclaré que l'IA open source est bénéfique pour tous ?", [["Sangani"]], D2,
      "est bénéfique pour tous")
D.ask(quote, "Qui a dit que personne ne devrait écarter d'emblée l'open source ?", [["Barrot"]], D3,
      "écarter d'emblée l'open source")
D.ask(quote, "Qui affirme que l'open source va favoriser davantage d'innovation ?", [["Nielsen"]], D2,
      "L'open source va favoriser davantage d'innovation")
D.ask(quote, "Pour un post LinkedIn, je cherche l'auteur de la phrase « Nous voulons que la communauté l'utilise ». "
             "Qui l'a dite ?", [["Soule"]], D2, "Nous voulons que la communauté l’utilise")
D.ask(quote, "Qui signe la tribune d'Alibaba Cloud sur l'open source ?", [["Zhou"]], D3, "Jingren Zhou")
D.ask(quote, "quel poste occupe Jingren Zhou", [["technologique"]], D3,
      "Jingren Zhou, Directeur technologique d'Alibaba Cloud Intelligence")
D.ask(ds, "le ministre français qui parlait à Bletchley Park, il est chargé de quoi ?", [["numérique"]], D3,
      "ministre français délégué chargé du numérique")
D.ask(ds, "la bibliothèque citée à côté de PyTorch, c'est laquelle ?", [["TensorFlow"]], D1, "TensorFlow et PyTorch")
D.premise("Pourquoi Mistral AI garde-t-il ses modèles secrets ?", ["librement", "télécharger"], D2,
          "que les développeurs peuvent télécharger et modifier librement")
D.premise("Pourquoi Meta s'oppose-t-il à l'IA open source ?", ["défendent", "défend"], D0,
          "des entreprises comme Meta et IBM défendent l’IA open source")
D.premise("Pourquoi DALL-E est-il distribué sans aucune restriction ?", ["licences restrictives", "restrictives"], D1,
          "qui sont accessibles sous des licences restrictives")
D.premise("Pourquoi les modèles Granite 3.0 sont-ils interdits aux usages commerciaux ?", ["sans restriction"], D2,
          "les applications commerciales sans restriction")
D.premise("Pour quelle raison Llama 2 est-il resté fermé ?", ["en open source"], D4,
          "Des modèles comme Meta’s Llama 2 sont en open source")
D.premise("Pourquoi Mozilla a-t-elle publié sa lettre ouverte après le sommet ?", ["la veille", "veille"], D3,
          "publiée la veille de ce sommet")
D.near("Pourquoi Mozilla a-t-elle rejoint l'AI Alliance ?", ["AI Alliance"])
D.near("Combien de paramètres compte Llama 2 ?", ["34"])
D.near("Qui dirige Mistral AI ?", ["Soule", "Nielsen", "Bergmann"])
D.near("Quel budget IBM a-t-il consacré à Granite 3.0 ?", ["milliards"])
D.near("En quelle année Stable Diffusion a-t-il été publié ?", ["2000"])
D.write("fresh_d.jsonl")


# ---------------------------------------------------------------- fresh_e: yes or no, attributed, typed fast
E = Set("e")
yn, src, low, lg, ds, why = "yesno", "attributed", "lowercase", "long", "described", "why"
E.ask(yn, "Granite 3.0 est-il disponible sur Hugging Face ?", [["oui", "disponible"]], D2,
      "disponibles via de multiples plateformes, notamment Hugging Face")
E.ask(yn, "Est-ce qu'OpenAI publie ses modèles en open source ?", [["fermées", "fermée", "fermés"]], D4,
      "comme celles d’OpenAI et d’Anthropic, restent fermées")
E.ask(yn, "L'open source est-il toujours gratuit ?", [["pas toujours gratuit", "payants", "monétisent"]], D4,
      "l’open source n’est pas toujours gratuit ni complètement ouvert")
E.ask(yn, "Mozilla est-elle favorable à la science ouverte ?", [["préconise", "investir", "oui"]], D3,
      "Mozilla préconise d’investir dans diverses approches allant de l'open source à la science ouverte")
E.ask(yn, "Meta fait-il partie des défenseurs de l'IA open source ?", [["défend", "défendent", "oui"]], D0,
      "des entreprises comme Meta et IBM défendent l’IA open source")
E.ask(yn, "Est-ce que les modèles Granite demandent beaucoup de ressources informatiques ?", [["fraction"]], D2,
      "qu’une fraction des ressources informatiques")
E.ask(src, "Selon Amit Sangani, qui corrige les problèmes détectés dans l'IA open source ?",
      [["personnes concernées", "Meta"]], D2, "les personnes concernées, y compris Meta, les corrigent")
E.ask(src, "D'après la tribune d'Alibaba, que doivent faire les fournisseurs de cloud pour leurs clients ?",
      [["maîtriser", "aider"]], D3, "aider leurs clients à mieux maîtriser")
E.ask(src, "Selon Dave Nielsen, que va susciter l'open source chez les entrepreneurs et les clients ?",
      [["enthousiasme"]], D2, "davantage d'enthousiasme chez les entrepreneurs et les clients")
E.ask(src, "D'après IBM, que présente l'accès gratuit à l'IA open source pour les entreprises ?", [["risques"]], D0,
      "son accès gratuit présente des risques")
E.ask(low, "c'est quoi les cas d'usage de l'ia open source en entreprise",
      [["fraude", "images médicales", "recommandations", "apprentissage"]], D0,
      "la protection contre la fraude en temps réel")
E.ask(low, "qui est amit sangani", [["ingénierie", "partenaires"]], D2,
      "directeur principal de l'ingénierie des partenaires IA chez Meta")
E.ask(low, "taille modeles granite en milliards", [["34"]], D2, "de 3 à 34 milliards de paramètres")
E.ask(low, "dall e licence", [["restrictives"]], D1, "accessibles sous des licences restrictives")
E.ask(low, "BERT et GPT developpés par qui", [["Google"]], D1, "développés par Google et OpenAI")
E.ask(low, "mouvement open source depuis quand", [["2000"]], D1, "Depuis le début des années 2000")
E.ask(lg, "Je dois expliquer à des élus pourquoi l'ouverture compte. Dans la tribune d'Alibaba, qu'est-ce qui nuit "
          "à l'innovation selon Jean-Noël Barrot ?", [["monopoles"]], D3,
      "en empêchant le développement de monopoles, qui sont préjudiciables à l'innovation")
E.ask(lg, "Ma cheffe m'a demandé de préparer un atelier sur l'éthique. Comment l'IA open source peut-elle aider à "
          "résoudre les biais, d'après la FAQ ?", [["transparente", "identifier"]], D1,
      "permet aux utilisateurs d’identifier et de résoudre les biais algorithmiques")
E.ask(lg, "On monte un projet avec une école. Quel type d'apprentissage l'IA open source permet-elle de proposer ?",
      [["sur mesure"]], D0, "un apprentissage sur mesure")
E.ask(lg, "Je relis un rapport pour notre service juridique. Quels jeux de données publics IBM a-t-il utilisés "
          "pour Granite ?", [["GitHub Code Clean", "StarCoder"]], D2, "GitHub Code Clean et StarCoder")
E.ask(lg, "Pour une formation interne, j'ai besoin d'un exemple concret. Sur quoi des chercheurs peuvent-ils "
          "affiner les modèles avec Hugging Face ?", [["ensembles de données"]], D1,
      "fine-tuner les modèles sur leurs propres ensembles de données")
E.ask(ds, "le modèle de Meta qui a marqué un tournant, il a permis quoi ?",
      [["chercheurs", "petites organisations"]], D2,
      "a permis aux chercheurs et aux petites organisations d'accéder")
E.ask(ds, "l'entreprise en procès contre Perplexity, c'est qui ?", [["News Corp"]], D2, "oppose News Corp à Perplexity")
E.ask(ds, "la start-up européenne leader du secteur, ses modèles peuvent être modifiés par qui ?",
      [["développeurs"]], D2, "que les développeurs peuvent télécharger et modifier librement")
E.ask(ds, "le responsable technique qui signe la tribune d'Alibaba, il dit que l'open source évite quoi ?",
      [["enfermement"]], D3, "L'open source permet d'éviter l'enfermement dans des systèmes propriétaires")
E.ask(ds, "la personne qui dirige la communauté de l'AI Alliance, elle s'appelle comment ?", [["Nielsen"]], D2,
      "Dave Nielsen, directeur de la communauté AI Alliance")
E.ask(why, "Pourquoi les entreprises passent-elles aux modèles d'IA open source ?", [["coûts", "coût"]], D2,
      "la pression croissante exercée pour maîtriser les coûts de développement")
E.ask(why, "Qu'est-ce qui explique la popularité des projets d'IA open source ?",
      [["disponibilité", "diversité", "accessibilité"]], D0, "Cette disponibilité explique la popularité")
E.ask(why, "Quelles inquiétudes soulève la facilité d'accès à l'IA open source ?", [["sécurité", "malveillants"]],
      D0, "soulève également des inquiétudes en matière de sécurité")
E.ask("english", "Which image generation model is open source?", [["Stable Diffusion"]], D1,
      "Stable Diffusion est un modèle de génération d’images open-source")
E.ask(yn, "Les modèles propriétaires vont-ils disparaître complètement ?", [["peu probable", "évoluer"]], D1,
      "Il est peu probable que les modèles propriétaires disparaissent complètement")
E.premise("Pourquoi IBM garde-t-il le code de Granite 3.0 secret ?", ["Apache 2.0", "open source"], D2,
          "IBM publie ses modèles Granite 3.0 en tant que logiciels open source sous la licence Apache 2.0")
E.premise("Est-ce que Mistral AI est une start-up basée à Berlin ?", ["Paris"], D2, "La start-up basée à Paris")
E.premise("Pourquoi la lettre de Mozilla s'oppose-t-elle à la science ouverte ?", ["préconise", "investir"], D3,
          "Mozilla préconise d’investir dans diverses approches allant de l'open source à la science ouverte")
E.premise("stable diffusion reserve aux grandes entreprises pourquoi", ["sans limitation", "créateurs"], D1,
          "Stable Diffusion permet aux utilisateurs de créer des œuvres d’art sans limitation")
E.premise("Pourquoi Kate Soule veut-elle garder les modèles d'IBM enfermés ?",
          ["communauté l’utilise", "écosystème ouvert", "diversité"], D2, "Nous voulons que la communauté l’utilise")
E.near("Quand IBM a-t-il rejoint Hugging Face ?", ["2000"])
E.near("teraoctets donnees mistral", ["3 à 4", "téraoctets"], style="keyword")
E.near("Jingren Zhou a-t-il participé au sommet de Bletchley Park ?", ["oui"], style="yesno")
E.near("Mon chef veut savoir ce que pense Kate Soule de Stable Diffusion. Tu as quelque chose ?", ["communauté"],
       style="long")
E.near("le ministre du numérique, il a quel âge ?", [], style="described")
E.near("Quel chiffre d'affaires Alibaba Cloud a-t-il réalisé ?", ["milliards"])
E.write("fresh_e.jsonl")


# ---------------------------------------------------------------- fresh_f: every shape at once
F = Set("f")
kw = "keyword"
F.ask(yn, "Est-ce que Granite 3.0 peut servir pour des applications commerciales ?",
      [["sans restriction", "oui"]], D2,
      "peuvent être utilisés pour la recherche et les applications commerciales sans restriction")
F.ask(yn, "Google est-il favorable à une IA fermée ?", [["oui", "approche fermée"]], D0,
      "Google, Microsoft et OpenAI sont favorables à une approche fermée")
F.ask(yn, "Llama 2 est-il en open source ?", [["oui", "sont en open source"]], D4, "Des modèles comme Meta’s Llama 2 sont en open source")
F.ask(yn, "Est-ce que Mistral AI publie des modèles qu'on peut modifier librement ?", [["oui", "télécharger"]], D2,
      "que les développeurs peuvent télécharger et modifier librement")
F.ask(yn, "Les modèles Granite prennent-ils en charge plus de 100 langages de programmation ?", [["116", "oui"]], D2,
      "Prenant en charge 116 langages de programmation")
F.ask(yn, "La lettre de Mozilla a-t-elle été publiée après le sommet ?", [["veille"]], D3,
      "Une lettre ouverte de Mozilla a été publiée la veille de ce sommet")
F.ask(yn, "est ce que stable diffusion impose des limites aux createurs", [["sans limitation", "non"]], D1,
      "créer des œuvres d’art sans limitation")
F.ask(yn, "Les entreprises qui utilisent l'IA open source dépendent-elles d'un fournisseur particulier ?",
      [["ne sont pas dépendantes", "neutralité", "non"]], D0,
      "la neutralité de l’IA open source garantit que les organisations ne sont pas dépendantes d’un fournisseur")
F.ask(kw, "granite langages programmation combien", [["116"]], D2, "116 langages de programmation")
F.ask(kw, "dave bergmann fonction", [["rédacteur principal"]], D2, "rédacteur principal chez IBM Think")
F.ask(kw, "secteurs ia open source", [["santé", "finance", "éducation"]], D0,
      "dans des secteurs tels que la santé, la finance et l’éducation")
F.ask(kw, "prochain sommet securite ia lieu", [["Paris"]], D3, "prévu à Paris en cette fin d’année")
F.ask(kw, "bibliotheques open source exemples chercheurs", [["TensorFlow", "PyTorch"]], D1,
      "des bibliothèques comme TensorFlow et PyTorch")
F.ask(kw, "andreesen khosla desaccord", [["open source", "ouverture", "propriété privée"]], D4,
      "Marc Andreessen et Vinod Khosla qui s’opposent sur la question")
F.ask(kw, "derive donnees consequence", [["efficacité", "fiabilité", "ruiner"]], D0,
      "la dérive des données et les erreurs d’étiquetage peuvent ruiner l’efficacité et la fiabilité des modèles")
F.ask(lg, "Je rédige une fiche pour les nouveaux arrivants. Dans l'article sur l'IA générative, quels avantages "
          "l'histoire de l'open source montre-t-elle ?",
      [["collaborations", "innovations", "personnalisation", "transparence"]], D4,
      "collaborations, innovations, personnalisation, transparence et soutien de la communauté")
F.ask(lg, "Notre comité d'éthique se réunit demain. Qu'est-ce que Mozilla a demandé en plus des investissements ?",
      [["contrôle", "responsabilisation"]], D3, "appelé à un contrôle et à une responsabilisation accrue du public")
F.ask(lg, "On réfléchit pour une petite PME qui n'a pas de gros budget. Que pourraient envisager les petites "
          "entreprises selon l'article sur Granite ?", [["plus petites", "alternatives"]], D2,
      "pourraient envisager des alternatives open source plus petites et plus efficaces")
F.ask(lg, "Je prépare un atelier sur la régulation. Qui pourrait établir des normes pour une utilisation "
          "responsable de l'IA open source ?", [["consortiums internationaux"]], D1,
      "des consortiums internationaux pourraient se pencher sur l’établissement de normes")
F.ask(lg, "Mon directeur pense que l'open source est risqué. Quelles dérives les observateurs craignent-ils avec "
          "les modèles modifiés ?", [["désinformation", "logiciels malveillants"]], D2,
      "comme la génération de désinformation ou la création de logiciels malveillants")
F.ask(lg, "Pour un dossier de presse, j'ai besoin du contexte. Où se tenait le sommet sur l'IA où Jean-Noël Barrot "
          "s'est exprimé ?", [["Bletchley Park"]], D3, "lors du sommet sur l'IA à Bletchley Park")
F.ask(ds, "le rédacteur d'IBM Think, il dit qu'une petite modification serait trouvée par qui ?",
      [["quelqu'un", "20 000"]], D2, "si 20 000 personnes manipulent le code de votre modèle, quelqu'un finira")
F.ask(ds, "le programme d'IBM Research dirigé par Kate Soule s'appelle comment ?", [["Data and Model Factory"]], D2,
      "directrice du programme Data and Model Factory chez IBM Research")
F.ask(ds, "le groupe dont Jingren Zhou est directeur technologique, c'est lequel ?", [["Alibaba"]], D3,
      "Jingren Zhou, Directeur technologique d'Alibaba Cloud Intelligence")
F.ask(ds, "le chatbot qui a montré des moments de chamboulements, c'est lequel ?", [["ChatGPT"]], D3,
      "ChatGPT nous a montré qu’il y a des moments de chamboulements")
F.ask(ds, "la plateforme d'IBM où on trouve aussi les modèles Granite, elle s'appelle comment ?", [["watsonx"]], D2,
      "IBM watsonx.ai")
F.ask(ds, "l'exemple d'adaptation régionale cité pour le fine-tuning, c'est quoi ?", [["dialectes régionaux"]], D1,
      "comme les dialectes régionaux dans le traitement du langage naturel")
F.ask(why, "Pour quelle raison l'IA générative a-t-elle connu une croissance sans pareille ?",
      [["communauté open-source", "communauté"]], D3,
      "ont été développées au sein d'une communauté open-source et c’est pour cela que leur croissance est sans pareille")
F.ask(why, "Pourquoi Google et Microsoft préfèrent-ils une approche fermée ?", [["sécurité", "utilisation abusive"]], D0,
      "invoquant des inquiétudes concernant la sécurité et l’utilisation abusive de l’IA")
F.ask(why, "Qu'est-ce qui pousse Alibaba à investir dans l'IA explicable ?", [["transparence", "équité"]], D3,
      "afin d'accroître la transparence et l'équité des algorithmes")
F.ask(why, "Pourquoi les coûts des technologies propriétaires posent-ils problème aux startups ?", [["barrière"]], D1,
      "peuvent constituer une barrière à l’entrée pour les startups")
F.ask("english", "Who leads the Data and Model Factory program at IBM Research?", [["Kate Soule"]], D2,
      "explique Kate Soule, directrice du programme Data and Model Factory")
F.premise("Pourquoi Meta a-t-il gardé ses modèles Llama fermés ?", ["open source"], D2,
          "La sortie par Meta de ses modèles Llama open source")
F.premise("Pourquoi IBM a-t-il entraîné Granite sur des contenus protégés par le droit d'auteur ?",
          ["jeux de données publics", "GitHub Code Clean"], D2,
          "en utilisant des jeux de données publics tels que GitHub Code Clean et StarCoder")
F.premise("Pourquoi Dave Nielsen pense-t-il que l'open source va réduire les revenus ?",
          ["plus de revenus"], D2, "et générer plus de revenus")
F.premise("Est-ce que Jean-Noël Barrot veut écarter l'open source ?", ["personne ne devrait"], D3,
          "personne ne devrait")
F.premise("Pourquoi Kate Soule travaille-t-elle chez Meta ?", ["IBM Research", "IBM"], D2,
          "directrice du programme Data and Model Factory chez IBM Research")
F.near("Combien de paramètres compte Llama 2 ?", ["34", "milliards"])
F.near("mistral ai date creation", ["2000"], style="keyword")
F.near("Stable Diffusion est-il développé par Google ?", ["oui", "Google"], style="yesno")
F.near("Je fais une veille pour mon DG. Quel budget Mozilla consacre-t-il à la science ouverte ?", ["milliards"],
       style="long")
F.near("la ministre qui a remplacé Jean-Noël Barrot, c'est qui ?", [], style="described")
F.near("Quelle entreprise a racheté Hugging Face ?", ["IBM", "Meta"])
F.write("fresh_f.jsonl")

# ---------------------------------------------------------------- fresh_g: yes or no
G = Set("g")
G.ask(yn, "IBM a-t-il entraîné Granite sur des jeux de données publics ?", [["oui", "GitHub Code Clean", "StarCoder"]], D2,
      "jeux de données publics tels que GitHub Code Clean et StarCoder")
G.ask(yn, "Est-ce que les modèles Granite 3.0 sont téléchargeables sur GitHub ?", [["oui", "disponibles"]], D2,
      "disponibles via de multiples plateformes, notamment Hugging Face, GitHub")
G.ask(yn, "Mistral AI est-elle une entreprise européenne ?", [["oui", "Paris", "Europe"]], D2, "La start-up basée à Paris")
G.ask(yn, "Le ministre Jean-Noël Barrot était-il ouvert à l'open source ?", [["oui", "écarter d'emblée"]], D3,
      "personne ne devrait \"écarter d'emblée l'open source\"")
G.ask(yn, "les modeles open source peuvent ils etre detournes pour faire de la desinformation",
      [["oui", "fins nuisibles"]], D2, "modifiés à des fins nuisibles, comme la génération de désinformation")
G.ask(yn, "Est-ce que Stable Diffusion sert à produire des images ?", [["oui", "génération d’images"]], D1,
      "modèle de génération d’images open-source")
G.ask(yn, "Microsoft préfère-t-il une approche fermée de l'IA ?", [["oui", "favorables à une approche fermée"]], D0,
      "Google, Microsoft et OpenAI sont favorables à une approche fermée")
G.ask(yn, "Meta a-t-il rendu ses modèles Llama accessibles en open source ?", [["oui", "tournant", "sont en open source"]], D2,
      "La sortie par Meta de ses modèles Llama open source a marqué un tournant important")
G.ask(yn, "Selon Dave Nielsen, l'open source va-t-il rapporter davantage d'argent ?", [["oui", "plus de revenus"]], D2,
      "et générer plus de revenus")
G.ask(yn, "Est-ce que Mozilla demande que le public contrôle davantage l'IA ?", [["oui", "responsabilisation"]], D3,
      "appelé à un contrôle et à une responsabilisation accrue du public")
G.ask(yn, "Granite 3.0 est-il réservé à la recherche ?", [["non", "applications commerciales"]], D2,
      "peuvent être utilisés pour la recherche et les applications commerciales sans restriction")
G.ask(yn, "Mistral AI est-elle basée à Londres ?", [["non", "Paris"]], D2, "La start-up basée à Paris")
G.ask(yn, "Est-ce que DALL-E est distribué sous une licence permissive ?", [["non", "restrictives"]], D1,
      "DALL-E, qui sont accessibles sous des licences restrictives")
G.ask(yn, "Les modèles Granite ont-ils besoin d'autant de ressources que les grands systèmes ?", [["non", "fraction"]], D2,
      "ne nécessitant qu’une fraction des ressources informatiques")
G.ask(yn, "Anthropic publie-t-elle ses modèles en open source ?", [["non", "fermées"]], D4,
      "comme celles d’OpenAI et d’Anthropic, restent fermées")
G.ask(yn, "l'open source est il completement ouvert", [["non", "ni complètement ouvert"]], D4,
      "l’open source n’est pas toujours gratuit ni complètement ouvert")
G.ask(yn, "BERT a-t-il été développé par OpenAI ?", [["non", "Google"]], D1,
      "Ces modèles, à l’origine développés par Google et OpenAI, respectivement")
G.ask(yn, "Les développeurs d'un modèle peuvent-ils garantir que ses versions modifiées resteront éthiques ?",
      [["non", "pourraient ne pas"]], D2, "les versions modifiées de leurs modèles pourraient ne pas en faire autant")
G.ask(yn, "Le prochain sommet sur la sécurité de l'IA se tient-il à Londres ?", [["non", "Paris"]], D3,
      "prévu à Paris en cette fin d’année")
G.ask(yn, "Les modèles Granite comptent-ils moins d'un milliard de paramètres ?", [["non", "3 à 34 milliards"]], D2,
      "Les modèles comportent de 3 à 34 milliards de paramètres")
G.premise("Amit Sangani travaille-t-il chez IBM ?", ["Meta"], D2,
          "directeur principal de l'ingénierie des partenaires IA chez Meta")
G.premise("Dave Bergmann travaille-t-il pour Mozilla ?", ["IBM Think", "IBM"], D2, "rédacteur principal chez IBM Think")
G.premise("IBM a-t-il été poursuivi pour avoir entraîné Granite sur des contenus protégés ?",
          ["éviter les problèmes de droits d’auteur", "jeux de données publics"], D2,
          "ce qui lui permet d’éviter les problèmes de droits d’auteur")
G.near("Kate Soule a-t-elle participé au sommet de Bletchley Park ?", ["oui"], style="yesno")
G.near("Mistral AI fait-elle partie de l'AI Alliance ?", ["oui"], style="yesno")
G.near("Hugging Face a-t-il été fondé en France ?", ["oui"], style="yesno")
G.near("Stable Diffusion a-t-il été créé par Meta ?", ["oui"], style="yesno")
G.near("est ce que alibaba cloud publie ses modeles sous licence apache", ["oui"], style="yesno")
G.near("Google publie-t-il Gemini en open source ?", ["oui", "Gemini"], style="yesno")
G.near("Jean-Noël Barrot a-t-il signé la lettre ouverte de Mozilla ?", ["oui"], style="yesno")
G.write("fresh_g.jsonl")

# ---------------------------------------------------------------- fresh_h: yes or no, other facts
H = Set("h")
H.ask(yn, "Les bibliothèques d'IA open source sont-elles disponibles gratuitement ?", [["oui", "GitHub"]], D0,
      "disponibles gratuitement sur des plateformes comme GitHub")
H.ask(yn, "L'IA open source sert-elle aussi dans le secteur de la santé ?", [["oui", "la finance et l’éducation"]], D0,
      "dans des secteurs tels que la santé, la finance et l’éducation")
H.ask(yn, "Les États-Unis cherchent-ils un équilibre entre innovation et sécurité ?", [["oui", "étudient les moyens"]], D0,
      "Des gouvernements comme les États-Unis et l’UE étudient les moyens de trouver un équilibre")
H.ask(yn, "Une petite équipe peut-elle créer des applications pour Android grâce à l'open source ?",
      [["oui", "petites équipes de développeurs"]], D0,
      "de petites équipes de développeurs peuvent créer des applications utiles pour diverses plateformes")
H.ask(yn, "Les algorithmes biaisés donnent-ils des résultats fiables ?", [["non", "inutilisables"]], D0,
      "des algorithmes biaisés peuvent produire des résultats inutilisables")
H.ask(yn, "Marc Andreessen et Vinod Khosla sont-ils d'accord sur l'open source ?", [["non", "s’opposent"]], D4,
      "Marc Andreessen et Vinod Khosla qui s’opposent sur la question")
H.ask(yn, "L'IA propriétaire partage-t-elle son code ?", [["non", "secret"]], D4, "garde son code secret")
H.ask(yn, "Les modèles propriétaires sont-ils critiqués pour leur opacité ?", [["oui", "manque d’accessibilité"]], D1,
      "souvent critiqués pour leur opacité et leur manque d’accessibilité")
H.ask(yn, "BERT et GPT ont-ils été publiés sous des licences restrictives ?", [["non", "permissives"]], D1,
      "ont été mis à disposition sous des licences permissives")
H.ask(yn, "le mouvement open source existe t il depuis les annees 2000", [["oui", "gagné en visibilité"]], D1,
      "Depuis le début des années 2000, le mouvement open-source a gagné en visibilité")
H.ask(yn, "Mozilla pense-t-elle que l'open source peut réduire les barrières à l'entrée ?", [["oui", "nouveaux acteurs"]], D3,
      "réduire les barrières à l'entrée pour les nouveaux acteurs")
H.ask(yn, "L'open source favorise-t-il la formation de monopoles ?", [["non", "empêchant"]], D3,
      "en empêchant le développement de monopoles")
H.ask(yn, "Alibaba Cloud a-t-il investi dans l'IA explicable ?", [["oui", "calcul préservant la vie privée"]], D3,
      "Nous avons investi dans des technologies telles que le calcul préservant la vie privée et l'IA explicable")
H.ask(yn, "Les critiques craignent-ils que des acteurs malveillants profitent de l'IA open source ?",
      [["oui", "fins nuisibles"]], D2, "permettre à des acteurs malveillants d'utiliser ou de modifier la technologie à des fins nuisibles")
H.ask(yn, "News Corp est-il en procès contre Perplexity ?", [["oui", "affaire en cours"]], D2,
      "l’affaire en cours qui oppose News Corp à Perplexity")
H.ask(yn, "La version Granite 3.0 comprend-elle un modèle 8B ?", [["oui", "8B et 2B"]], D2,
      "La version inclut les modèles de langage 8B et 2B")
H.ask(yn, "Amit Sangani pense-t-il que l'IA open source est moins sûre ?", [["non", "transparente et sûre"]], D2,
      "plus elle devient transparente et sûre")
H.ask(yn, "Dave Bergmann conseille-t-il de publier seulement les poids d'un modèle ?", [["non", "ne jamais saisir"]], D2,
      "vous pourriez ne jamais saisir cette opportunité")
H.ask(yn, "Les petites entreprises ont-elles besoin de gros modèles de langage ?", [["non", "plus petites"]], D2,
      "pourraient envisager des alternatives open source plus petites")
H.ask(yn, "ChatGPT a-t-il montré que la technologie connaît des chamboulements ?", [["oui", "moments de chamboulements"]],
      D3, "ChatGPT nous a montré qu’il y a des moments de chamboulements dans la technologie")
H.premise("Kate Soule dirige-t-elle IBM Think ?", ["Data and Model Factory", "IBM Research"], D2,
          "directrice du programme Data and Model Factory chez IBM Research")
H.near("Vinod Khosla travaille-t-il chez Meta ?", ["oui"], style="yesno")
H.near("Perplexity a-t-elle attaqué IBM en justice ?", ["oui"], style="yesno")
H.near("Linux est-il développé par Mozilla ?", ["oui"], style="yesno")
H.near("est ce que dave nielsen a cree l'ai alliance", ["oui"], style="yesno")
H.near("Hugging Face appartient-il à IBM ?", ["oui"], style="yesno")
H.near("Marc Andreessen a-t-il financé Mistral AI ?", ["oui"], style="yesno")
H.near("L'UE a-t-elle interdit les modèles fermés ?", ["oui"], style="yesno")
H.write("fresh_h.jsonl")

# ---------------------------------------------------------------- fresh_i: yes or no, said in other words
I_ = Set("i")
I_.ask(yn, "Les modèles Granite prennent-ils en charge plus de cent langages de programmation ?",
      [["oui", "116 langages"]], D2, "Prenant en charge 116 langages de programmation")
I_.ask(yn, "IBM garde-t-il ses modèles Granite confidentiels ?", [["non", "Apache 2.0"]], D2,
      "IBM publie ses modèles Granite 3.0 en tant que logiciels open source")
I_.ask(yn, "Kate Soule souhaite-t-elle que la communauté utilise les modèles d'IBM ?", [["oui", "Nous voulons"]], D2,
      "Nous voulons que la communauté l’utilise")
I_.ask(yn, "La start-up Mistral AI empêche-t-elle les développeurs de modifier ses modèles ?",
      [["non", "modifier librement"]], D2, "que les développeurs peuvent télécharger et modifier librement")
I_.ask(yn, "Selon Dave Bergmann, si des milliers de personnes manipulent le code, une amélioration finira-t-elle par être trouvée ?",
      [["oui", "finira par la repérer"]], D2, "quelqu'un finira par la repérer")
I_.ask(yn, "meta corrige t elle les problemes detectes dans ses modeles", [["oui", "les corrigent"]], D2,
      "y compris Meta, les corrigent")
I_.ask(yn, "Le contrôle de l'IA open source est-il centralisé ?", [["non", "absence de contrôle centralisé"]], D2,
      "L'absence de contrôle centralisé implique")
I_.ask(yn, "TensorFlow et PyTorch obligent-ils les chercheurs à repartir de zéro ?", [["non", "sans avoir à partir de zéro"]],
      D1, "sans avoir à partir de zéro")
I_.ask(yn, "Hugging Face permet-il d'adapter des modèles existants ?", [["oui", "versions personnalisées"]], D1,
      "créer des versions personnalisées de modèles existants")
I_.ask(yn, "D'après l'article, les modèles propriétaires vont-ils disparaître complètement ?", [["non", "peu probable"]], D1,
      "Il est peu probable que les modèles propriétaires disparaissent complètement")
I_.ask(yn, "Les technologies propriétaires coûtent-elles trop cher pour certaines startups ?", [["oui", "barrière à l’entrée"]],
      D1, "Les coûts d’accès à des technologies propriétaires peuvent constituer une barrière à l’entrée pour les startups")
I_.ask(yn, "La transparence aide-t-elle à repérer les biais des algorithmes ?", [["oui", "identifier et à atténuer"]], D1,
      "la transparence aide à identifier et à atténuer les biais algorithmiques")
I_.ask(yn, "Stable Diffusion limite-t-il ce que ses utilisateurs peuvent créer ?", [["non", "sans limitation"]], D1,
      "créer des œuvres d’art sans limitation")
I_.ask(yn, "Je compare des outils pour notre service fraude. L'IA open source peut-elle servir à détecter la fraude ?",
      [["oui", "protection contre la fraude"]], D0, "la protection contre la fraude en temps réel")
I_.ask(yn, "avec l'ia open source une organisation depend elle d'un seul fournisseur", [["non", "ne sont pas dépendantes"]], D0,
      "les organisations ne sont pas dépendantes d’un fournisseur en particulier")
I_.ask(yn, "Meta et IBM sont-ils opposés à l'IA open source ?", [["non", "défendent"]], D0,
      "des entreprises comme Meta et IBM défendent l’IA open source")
I_.ask(yn, "Jingren Zhou travaille-t-il pour Alibaba Cloud ?", [["oui", "Directeur technologique"]], D3,
      "Jingren Zhou, Directeur technologique d'Alibaba Cloud Intelligence")
I_.ask(yn, "La lettre ouverte de Mozilla a-t-elle été publiée après le sommet ?", [["non", "la veille"]], D3,
      "Une lettre ouverte de Mozilla a été publiée la veille de ce sommet")
I_.ask(yn, "Les avancées technologiques profitent-elles toujours au plus grand nombre ?", [["non", "ne bénéficient pas"]], D3,
      "elles ne bénéficient pas au plus grand nombre")
I_.ask(yn, "Certains fournisseurs font-ils payer l'usage de leurs modèles open source ?", [["oui", "services payants"]], D4,
      "Certains fournisseurs monétisent leurs modèles en proposant des services payants")
I_.premise("Le ministre allemand Jean-Noël Barrot défend-il l'open source ?", ["ministre français"], D3,
          "ministre français délégué chargé du numérique")
I_.premise("Amit Sangani, directeur de la communauté AI Alliance, pense-t-il que l'open source rapportera plus ?",
          ["Dave Nielsen"], D2, "déclare Dave Nielsen, directeur de la communauté AI Alliance")
I_.premise("Les modèles Granite 3.0 de Meta sont-ils sous licence Apache ?", ["IBM"], D2,
          "IBM publie ses modèles Granite 3.0 en tant que logiciels open source sous la licence Apache 2.0")
I_.near("Jingren Zhou a-t-il signé la lettre ouverte de Mozilla ?", ["oui"], style="yesno")
I_.near("Stable Diffusion est-il développé par Hugging Face ?", ["oui"], style="yesno")
I_.near("PyTorch appartient-il à Google ?", ["oui"], style="yesno")
I_.near("est ce que mistral ai utilise starcoder", ["oui"], style="yesno")
I_.near("Perplexity est-elle membre de l'AI Alliance ?", ["oui"], style="yesno")
I_.near("Marc Andreessen a-t-il participé au sommet de Bletchley Park ?", ["oui"], style="yesno")
I_.near("Alibaba Cloud publie-t-il ses modèles sur GitHub ?", ["oui"], style="yesno")
I_.write("fresh_i.jsonl")

# ---------------------------------------------------------------- fresh_j: the asker's own world first, keywords
J = Set("j")
J.ask(lg, "Mon DSI chez Orange prépare un comité. Sur quelles plateformes les modèles Granite sont-ils disponibles ?",
      [["Hugging Face", "GitHub", "watsonx"]], D2, "notamment Hugging Face, GitHub et IBM watsonx.ai")
J.ask(lg, "Pour une présentation au CODIR de Decathlon, je cherche des exemples. Quels cas d'utilisation l'IA open source permet-elle ?",
      [["fraude", "images médicales", "recommandations personnalisées", "apprentissage sur mesure"]], D0,
      "la protection contre la fraude en temps réel, l’analyse d’images médicales")
J.ask(lg, "Dans le cadre de l'AI Act, mon juriste s'interroge. Quels gouvernements cherchent un équilibre entre innovation et sécurité ?",
      [["États-Unis", "UE"]], D0, "Des gouvernements comme les États-Unis et l’UE")
J.ask(lg, "Ma responsable chez Sanofi m'a transmis l'article sur Granite. Combien de langages de programmation ces modèles prennent-ils en charge ?",
      [["116"]], D2, "Prenant en charge 116 langages de programmation")
J.ask(lg, "On rédige une note interne pour la CNIL. D'après le texte d'Alibaba Cloud, dans quelles technologies ont-ils investi ?",
      [["calcul préservant la vie privée", "IA explicable"]], D3, "le calcul préservant la vie privée et l'IA explicable")
J.ask(lg, "Je suis stagiaire chez Thales et je lis l'article sur l'IA générative. Quels deux acteurs de l'industrie s'opposent sur l'open source ?",
      [["Andreessen"], ["Khosla"]], D4, "Marc Andreessen et Vinod Khosla qui s’opposent sur la question")
J.ask(lg, "Notre équipe chez Salesforce s'intéresse à l'éthique. Selon l'article, à quoi sert la transparence face aux biais ?",
      [["identifier", "atténuer"]], D1, "la transparence aide à identifier et à atténuer les biais algorithmiques")
J.ask(lg, "Mon professeur à HEC m'a demandé une fiche. Sur quels jeux de données publics IBM a-t-il construit ses modèles ?",
      [["GitHub Code Clean", "StarCoder"]], D2, "GitHub Code Clean et StarCoder")
J.ask(lg, "Pour le comité d'éthique de Renault, je résume l'article d'IBM. Que peuvent ruiner la dérive des données et les erreurs d'étiquetage ?",
      [["efficacité", "fiabilité"]], D0, "peuvent ruiner l’efficacité et la fiabilité des modèles")
J.ask(lg, "Mon associé chez Deloitte m'a parlé de Kate Soule. Quel programme dirige-t-elle ?", [["Data and Model Factory"]], D2,
      "directrice du programme Data and Model Factory")
J.ask("keyword", "granite nombre parametres", [["34 milliards"]], D2, "de 3 à 34 milliards de paramètres")
J.ask("keyword", "mistral ai siege", [["Paris"]], D2, "La start-up basée à Paris")
J.ask("keyword", "sommet securite ia prochain lieu", [["Paris"]], D3, "prévu à Paris en cette fin d’année")
J.ask("keyword", "bibliotheques ia open source exemples tensorflow", [["PyTorch"]], D1, "TensorFlow et PyTorch")
J.ask("keyword", "jingren zhou poste", [["Directeur technologique"]], D3,
      "Jingren Zhou, Directeur technologique d'Alibaba Cloud Intelligence")
J.ask("keyword", "modeles granite 3.0 tailles", [["8B", "2B"]], D2, "les modèles de langage 8B et 2B")
J.ask("keyword", "dave bergman fonction", [["rédacteur principal"]], D2, "rédacteur principal chez IBM Think")
J.ask("keyword", "amit sangani employeur", [["Meta"]], D2, "directeur principal de l'ingénierie des partenaires IA chez Meta")
J.ask("keyword", "stable diffusion type de modele", [["images"]], D1, "un modèle de génération d’images open-source")
J.ask("keyword", "risques ia open source acteurs malveillants", [["manipuler les résultats", "contenu nuisible"]], D0,
      "manipuler les résultats ou créer du contenu nuisible")
J.ask(ds, "la start-up parisienne qui publie des modèles qu'on peut modifier, c'est laquelle ?", [["Mistral"]], D2,
      "La start-up basée à Paris")
J.ask(ds, "le modèle d'images qui laisse les créateurs faire ce qu'ils veulent, il s'appelle comment ?", [["Stable Diffusion"]], D1,
      "Stable Diffusion permet aux utilisateurs de créer des œuvres d’art sans limitation")
J.ask(ds, "le responsable de la communauté de l'alliance pour l'IA, qu'a-t-il dit des revenus ?", [["revenus"]], D2,
      "générer plus de revenus")
J.ask(ds, "l'entreprise qui emploie Amit Sangani a sorti quels modèles ?", [["Llama"]], D2,
      "La sortie par Meta de ses modèles Llama open source")
J.ask(ds, "le ministre français du numérique, il a parlé à quel sommet ?", [["Bletchley Park"]], D3,
      "lors du sommet sur l'IA à Bletchley Park")
J.premise("Mon chef chez Airbus demande pourquoi IBM a choisi une licence propriétaire pour Granite ?",
          ["Apache 2.0", "open source"], D2, "sous la licence Apache 2.0")
J.premise("stable diffusion licence restrictive pourquoi", ["sans limitation"], D1,
          "créer des œuvres d’art sans limitation")
J.premise("Pour notre veille chez Total, depuis quand Mistral AI est-elle basée à Berlin ?", ["Paris"], D2,
          "La start-up basée à Paris")
J.near("Mon DSI chez Orange demande qui dirige Mistral AI ?", ["Arthur Mensch"], style=lg)
J.near("granite prix licence", ["euros", "dollars"], style="keyword")
J.near("Pour le CODIR, combien d'employés compte IBM Research ?", style=lg)
J.near("mozilla lettre signataires nombre", style="keyword")
J.near("le fondateur de Hugging Face, il s'appelle comment ?", style=ds)
J.near("Ma collègue chez BNP veut savoir : en quelle année Meta a-t-il publié Llama 2 ?", ["2023"], style=lg)
J.near("perplexity proces montant", style="keyword")
J.near("Je prépare un cours à l'ESSEC. Quel est le chiffre d'affaires de Mistral AI ?", style=lg)
J.write("fresh_j.jsonl")

# ---------------------------------------------------------------- fresh_k: keyword queries
K = Set("k")
kw = "keyword"
K.ask(kw, "benevoles ia open source role", [["s’appuie sur les travaux existants", "accélère le développement"]], D0,
      "une communauté de bénévoles enthousiastes s’appuie sur les travaux existants et accélère le développement")
K.ask(kw, "petites equipes applications plateformes", [["Windows", "Linux", "iOS"]], D0,
      "Microsoft Windows, Linux, iOS et Android")
K.ask(kw, "ia personnalisee sans objectifs definis risques", [["gaspillage", "échec du projet", "résultats erronés"]], D0,
      "peut entraîner des résultats erronés, un gaspillage de ressources et l’échec du projet")
K.ask(kw, "donnees entrainement biaisees consequence", [["discriminatoires"]], D0,
      "Des données d’entraînement biaisées peuvent produire des résultats discriminatoires")
K.ask(kw, "plateformes partage projets ia open source", [["GitHub", "Hugging Face"]], D1,
      "des plateformes comme GitHub et Hugging Face")
K.ask(kw, "fine tuning dialectes regionaux but", [["précision"]], D1,
      "améliorer la précision dans des contextes spécifiques, comme les dialectes régionaux")
K.ask(kw, "modeles proprietaires evoluer comment", [["renforçant leur transparence", "valeur ajoutée"]], D1,
      "en renforçant leur transparence et en justifiant leur valeur ajoutée")
K.ask(kw, "consortiums internationaux normes ia", [["utilisation responsable"]], D1,
      "l’établissement de normes pour l’utilisation responsable de l’IA open-source")
K.ask(kw, "avantages open sourse ia principaux", [["innovation collaborative", "accessibilité"]], D1,
      "Les principaux avantages incluent l’innovation collaborative, la transparence, l’accessibilité")
K.ask(kw, "modele collaboratif securite defense", [["cybersécurité"]], D1,
      "avec des implications potentielles pour la cybersécurité")
K.ask(kw, "meta llama sortie tournant pourquoi", [["petites organisations"]], D2,
      "a permis aux chercheurs et aux petites organisations d'accéder à une technologie d'IA avancée")
K.ask(kw, "echange bidirectionnel open source entreprises", [["milliers de développeurs"]], D2,
      "tout en bénéficiant des connaissances de milliers de développeurs")
K.ask(kw, "ibm think redacteur principal nom", [["Bergmann"]], D2, "explique Dave Bergmann, rédacteur principal chez IBM Think")
K.ask(kw, "fournisseurs cloud role clients", [["aider leurs clients"]], D3,
      "doivent faire tout ce qui est en leur pouvoir pour aider leurs clients")
K.ask(kw, "open source systemes proprietaires enfermement", [["éviter l'enfermement"]], D3,
      "L'open source permet d'éviter l'enfermement dans des systèmes propriétaires")
K.ask(kw, "ia generative croissance raison", [["communauté open-source"]], D3,
      "L’IA et l’IA générative ont été développées au sein d'une communauté open-source")
K.ask(kw, "histoire open source avantages liste", [["personnalisation", "soutien de la communauté", "collaborations"]], D4,
      "collaborations, innovations, personnalisation, transparence et soutien de la communauté")
K.premise("mistral ai siege londres pourquoi", ["Paris"], D2, "La start-up basée à Paris")
K.premise("dall e licence permissive avantages", ["restrictives"], D1, "qui sont accessibles sous des licences restrictives")
K.premise("kate soule meta programme", ["IBM Research"], D2, "directrice du programme Data and Model Factory chez IBM Research")
K.near("hugging face siege social", style=kw)
K.near("granite 3.0 date sortie", style=kw)
K.near("mistral ai nombre employes", style=kw)
K.near("jingren zhou age", style=kw)
K.near("openai chiffre affaires 2023", style=kw)
K.near("news corp perplexity verdict", style=kw)
K.near("tensorflow createur entreprise", ["Google"], style=kw)
K.write("fresh_k.jsonl")

# ---------------------------------------------------------------- fresh_l: keywords, premises turned around
L = Set("l")
L.ask(kw, "geants tech opinions ia open source", [["partagées"]], D0,
      "les opinions des géants de la tech sont partagées sur le sujet")
L.ask(kw, "meta ibm ai alliance arguments", [["échanges scientifiques ouverts"]], D0,
      "en mettant en avant les échanges scientifiques ouverts et l’innovation")
L.ask(kw, "approche fermee raisons google microsoft", [["utilisation abusive", "inquiétudes concernant la sécurité"]], D0,
      "invoquant des inquiétudes concernant la sécurité et l’utilisation abusive de l’IA")
L.ask(kw, "outils open source collaboratifs qualites", [["modulaires", "fiables", "riches en fonctionnalités"]], D0,
      "ce qui permet de créer des outils riches en fonctionnalités, fiables et modulaires")
L.ask(kw, "bert gpt licences type", [["permissives"]], D1, "ont été mis à disposition sous des licences permissives")
L.ask(kw, "mouvement open source visibilite depuis quand", [["2000"]], D1, "Depuis le début des années 2000")
L.ask(kw, "transparence modeles open source effet utilisateurs", [["angoisse", "comprendre le fonctionnement"]], D1,
      "La transparence des modèles open-source réduit l’angoisse liée à l’utilisation de l’IA")
L.ask(kw, "entreprises modeles proprietaires pouvoir abus", [["restreindre l’accès", "manipuler les données"]], D1,
      "Ces entreprises peuvent choisir de restreindre l’accès ou de manipuler les données pour leurs propres intérêts")
L.ask(kw, "granite 3.0 taches entreprise", [["génération augmentée de récupération", "classification"]], D2,
      "axés sur des tâches d’entreprise telles que la génération augmentée de récupération et la classification")
L.ask(kw, "bergmann poids ouverts sans code risque", [["opportunité"]], D2, "vous pourriez ne jamais saisir cette opportunité")
L.ask(kw, "nielsen open source effets entrepreneurs", [["enthousiasme", "revenus"]], D2,
      "Cela va susciter davantage d'enthousiasme chez les entrepreneurs et les clients, et générer plus de revenus")
L.ask(kw, "ia generative place quotidien", [["partie intégrante"]], D4,
      "Cet outil innovant est désormais partie intégrante de nos vies professionnelles")
L.ask(kw, "open source pas toujours gratuit pourquoi", [["services payants"]], D4,
      "Certains fournisseurs monétisent leurs modèles en proposant des services payants")
L.ask(kw, "versions modifiees modeles normes ethiques", [["contrôle centralisé", "pourraient ne pas en faire autant"]], D2,
      "L'absence de contrôle centralisé implique que")
L.ask(kw, "barrot open source monopoles equite", [["équité concurrentielle"]], D3, "en assurant \"l'équité concurrentielle\"")
L.ask(kw, "mozilla lettre investir approches", [["science ouverte"]], D3, "allant de l'open source à la science ouverte")
L.ask(kw, "alibaba investissements vie privee technologies", [["calcul préservant la vie privée", "IA explicable"]], D3,
      "le calcul préservant la vie privée et l'IA explicable")
L.premise("google microsoft soutien ia open source raisons", ["fermée"], D0,
          "Google, Microsoft et OpenAI sont favorables à une approche fermée")
L.premise("mozilla lettre lendemain sommet contenu", ["veille"], D3, "Une lettre ouverte de Mozilla a été publiée la veille de ce sommet")
L.premise("bert gpt licences restrictives inconvenients", ["permissives"], D1, "mis à disposition sous des licences permissives")
L.premise("llama 2 modele ferme meta raisons", ["open source"], D4, "Des modèles comme Meta’s Llama 2 sont en open source")
L.premise("jean noel barrot ministre allemand numerique", ["français"], D3, "ministre français délégué chargé du numérique")
L.near("stable diffusion date sortie", style=kw)
L.near("pytorch licence type", style=kw)
L.near("ai alliance membres nombre", style=kw)
L.near("kate soule anciennete ibm", style=kw)
L.near("dave nielsen employeur precedent", style=kw)
L.near("granite 3.0 prix abonnement", style=kw)
L.near("bletchley park sommet date", style=kw)
L.near("qwen alibaba taille modele", style=kw)
L.write("fresh_l.jsonl")
