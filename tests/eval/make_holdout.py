"""Writes holdout.jsonl: questions on the seeds that no setting was chosen on (kept as code for review).

Two kinds, each checked by hand against the seeds:
- near-misses: about the documents' own companies, models and people, asking for a fact the
  documents do not give; most ask for a size, date or name that they give for a neighbouring
  entity (`trap`: what a careless answer would borrow). The right outcome is to decline.
- paraphrases: answerable questions in other words than the documents use.
Settings are chosen on questions.jsonl; these sets only measure them. holdout.jsonl was written
before the claim checks (grounding.py) and run before and after them; its first run showed two of
the checks (an answer that only restates the question; "quels investisseurs" asks for names).
holdout_b.jsonl was written after every check was set.
"""
import json
from pathlib import Path

D0, D1, D2, D3, D4 = ("000_4937d34f26cd696d.txt", "001_ab0ad9a56183d7b7.txt", "002_252018651c2d012b.txt",
                      "003_4edc3b288bac67c9.txt", "004_4aa242230e059d09.txt")
Q = []


def near(question, trap, history=None):
    item = {"id": f"nm{len(Q) + 1:02d}", "type": "offtopic", "subtype": "near-miss", "question": question,
            "facts": [], "doc": None, "evidence": None, "trap": trap}
    if history:
        item["history"] = [{"role": r, "content": c} for r, c in history]
    Q.append(item)


def par(question, facts, doc, evidence, kind="paraphrase", history=None):
    item = {"id": f"pa{len(Q) + 1:02d}", "type": kind, "question": question, "facts": facts,
            "doc": doc, "evidence": evidence}
    if history:
        item["history"] = [{"role": r, "content": c} for r, c in history]
    Q.append(item)


# -- a figure the documents give for a neighbouring model or company
near("Combien de langages de programmation les modèles Llama prennent-ils en charge ?", ["116"])
near("Combien de paramètres comporte le modèle Llama 2 ?", ["34 milliards", "3 à 34"])
near("Sur combien de téraoctets de tokens les modèles de Mistral AI ont-ils été entraînés ?", ["3 à 4", "téraoctets"])
near("Combien de paramètres compte Stable Diffusion ?", ["milliards"])
near("Combien de personnes travaillent chez IBM Research ?", ["20 000"])
near("Combien de développeurs contribuent aux modèles de Mistral AI ?", ["20 000", "milliers"])
near("Combien de langages de programmation BERT prend-il en charge ?", ["116"])
near("Sur combien de tokens le modèle GPT a-t-il été entraîné ?", ["3 à 4", "téraoctets"])
near("Combien de langues humaines les modèles Granite 3.0 parlent-ils ?", ["116"])
near("Combien de milliards de paramètres compte DALL-E ?", ["34", "milliards"])
near("Quelles tailles de modèles Mistral AI a-t-elle publiées ?", ["8B", "2B"])
near("Quelle est la taille du plus grand modèle Llama de Meta ?", ["34 milliards", "8B"])
near("Combien d'employés compte Hugging Face ?", ["milliers", "20 000"])
near("Combien de fois les modèles Granite 3.0 ont-ils été téléchargés ?", ["116", "20 000"])
# -- a post the documents fill at another company
near("Qui est le directeur technologique de Meta ?", ["Jingren Zhou", "Amit Sangani"])
near("Qui est le directeur technologique d'IBM ?", ["Jingren Zhou", "Kate Soule"])
near("Qui est le PDG d'Alibaba Cloud Intelligence ?", ["Jingren Zhou"])
near("Qui a fondé Mistral AI ?", ["Dave Nielsen", "Jean-Noël Barrot"])
near("Qui est le directeur de la communauté Hugging Face ?", ["Dave Nielsen"])
near("Qui est le rédacteur principal de Meta ?", ["Dave Bergmann"])
near("Qui dirige le programme Data and Model Factory chez Meta ?", ["Kate Soule"])
near("Qui est le ministre français de l'Économie ?", ["Jean-Noël Barrot"])
near("Qui est le directeur technologique d'OpenAI ?", ["Jingren Zhou"])
near("Qui a signé la lettre ouverte de Mozilla ?", ["Jingren Zhou", "Barrot"])
near("Qui dirige la recherche en IA chez Google ?", ["Kate Soule", "Jingren Zhou"])
# -- a date the documents never give
near("En quelle année Mistral AI a-t-elle été fondée ?", ["2000"])
near("En quelle année IBM a-t-il publié ses modèles Granite 3.0 ?", ["2000"])
near("En quelle année s'est tenu le sommet de Bletchley Park ?", ["2000"])
near("En quelle année Meta a-t-il publié Llama 2 ?", ["2000"])
near("Quand Stable Diffusion a-t-il été publié ?", ["2000"])
near("En quelle année Google a-t-il publié BERT ?", ["2000"])
near("En quelle année l'AI Alliance a-t-elle été créée ?", ["2000"])
near("En quelle année Hugging Face a-t-il été fondé ?", ["2000"])
# -- another attribute of a neighbour
near("Sous quelle licence Mistral AI publie-t-elle ses modèles ?", ["Apache"])
near("Sur quels jeux de données Meta a-t-il entraîné Llama ?", ["GitHub Code Clean", "StarCoder"])
near("Où est basée la société Hugging Face ?", ["Paris"])
near("Dans quelle ville se trouve le siège d'Alibaba Cloud ?", ["Paris"])
near("Quelle affaire judiciaire oppose Meta à une société d'IA ?", ["News Corp", "Perplexity"])
near("Sur quelles plateformes les modèles Llama de Meta sont-ils disponibles ?", ["Hugging Face", "watsonx", "GitHub"])
near("Quel modèle de génération d'images Google a-t-il développé ?", ["Stable Diffusion", "DALL-E", "BERT"])
near("Quelle entreprise a développé DALL-E ?", ["OpenAI"])
near("Comment s'appelle le modèle de langage d'Anthropic ?", ["Llama", "GPT"])
near("Quel est le chiffre d'affaires de Mistral AI ?", ["milliards"])
near("Dans quelle ville s'est tenue la réunion de l'AI Alliance où Amit Sangani s'est exprimé ?",
     ["Paris", "Bletchley"])
# -- in English, and as a follow-up
near("Who is the chief technology officer of Meta?", ["Jingren Zhou", "Amit Sangani"])
near("How many parameters does Llama 2 have?", ["34", "milliards"])
near("Et combien de langages de programmation prend-il en charge ?", ["116"], history=[
    ("user", "Quel modèle de Meta est cité comme exemple de modèle open source ?"),
    ("assistant", "Le modèle Llama 2 de Meta est cité comme exemple de modèle open source [1].")])

# -- answerable, in other words than the documents use
par("Quel texte Mozilla a-t-elle rendu public juste avant la rencontre britannique sur l'IA ?",
    [["lettre ouverte"]], D3, "Une lettre ouverte de Mozilla")
par("Quel cadre juridique s'applique à la diffusion des Granite 3.0 d'IBM ?", [["Apache"]], D2, "licence Apache 2.0")
par("Dans quelle ville la jeune pousse Mistral AI est-elle installée ?", [["Paris"]], D2, "basée à Paris")
par("Jusqu'à combien de milliards de paramètres vont les modèles Granite 3.0 ?", [["34"]], D2, "de 3 à 34 milliards")
par("Combien de langages informatiques les Granite 3.0 savent-ils traiter ?", [["116"]], D2, "116 langages")
par("Quel membre du gouvernement français a plaidé pour l'open source à Bletchley Park ?",
    [["Barrot"]], D3, "Jean-Noël Barrot")
par("Pour quel média d'IBM Dave Bergmann écrit-il ?", [["IBM Think"]], D2, "rédacteur principal chez IBM Think")
par("Quel procès est donné en exemple des litiges de droits d'auteur contre des sociétés d'IA ?",
    [["Perplexity", "News Corp"]], D2, "News Corp à Perplexity")
par("Quelle jeune entreprise européenne domine l'IA ouverte ?", [["Mistral"]], D2, "Mistral AI s'est imposé")
par("Quel outil de création d'images est présenté comme une alternative libre à DALL-E ?",
    [["Stable Diffusion"]], D1, "Stable Diffusion permet")
par("Avec TensorFlow, quel cadre logiciel évite aux chercheurs de repartir de rien ?", [["PyTorch"]], D1,
    "TensorFlow et PyTorch")
par("Quels deux hommes d'affaires sont en désaccord sur l'ouverture de l'IA générative ?",
    [["Andreessen"], ["Khosla"]], D4, "Marc Andreessen et Vinod Khosla")
par("Qui, chez Meta, estime que l'ouverture rend l'IA plus sûre ?", [["Sangani"]], D2, "Amit Sangani")
par("Selon le responsable de la communauté AI Alliance, que rapportera l'open source aux entreprises ?",
    [["revenus", "enthousiasme"]], D2, "générer plus de revenus")
par("Outre OpenAI, quelle entreprise garde ses solutions d'IA fermées selon l'article sur l'IA générative ?",
    [["Anthropic"]], D4, "OpenAI et d’Anthropic")
par("D'où viennent les données d'entraînement de Granite 3.0, qui évitent les soucis de droits d'auteur ?",
    [["GitHub Code Clean", "StarCoder"]], D2, "GitHub Code Clean et StarCoder")
par("Quels usages concrets de l'IA ouverte l'article d'IBM donne-t-il en exemple ?",
    [["fraude", "images médicales", "recommandations", "apprentissage sur mesure"]], D0, "protection contre la fraude")
par("Quel volume de données, en téraoctets, a servi à entraîner Granite 3.0 ?", [["3 à 4"]], D2, "3 à 4 téraoctets")
par("À quelles tâches d'entreprise les modèles 8B et 2B de Granite sont-ils destinés ?",
    [["récupération", "classification"]], D2, "génération augmentée de récupération")
par("Par quel regroupement Meta et IBM défendent-ils l'IA ouverte ?", [["AI Alliance"]], D0,
    "Par l’entremise de l’AI Alliance")
par("Qui est à la tête du programme Data and Model Factory ?", [["Kate Soule"]], D2, "Kate Soule")
par("Pourquoi Google, Microsoft et OpenAI préfèrent-ils garder leur IA fermée ?",
    [["sécurité", "utilisation abusive"]], D0, "invoquant des inquiétudes", kind="english")
par("Which two investors disagree about open-source generative AI?", [["Andreessen"], ["Khosla"]], D4,
    "Marc Andreessen et Vinod Khosla", kind="english")
par("Et qui y dirige la communauté ?", [["Dave Nielsen", "Nielsen"]], D2, "Dave Nielsen", kind="followup",
    history=[("user", "Par quel regroupement Meta et IBM défendent-ils l'IA open source ?"),
             ("assistant", "Meta et IBM défendent l'IA open source par l'entremise de l'AI Alliance [1].")])
par("Et sous quelle licence sont-ils diffusés ?", [["Apache"]], D2, "licence Apache 2.0", kind="followup",
    history=[("user", "Quels modèles IBM a-t-il rendus publics ?"),
             ("assistant", "IBM a publié ses modèles Granite 3.0 en open source [1].")])

Path(__file__).with_name("holdout.jsonl").write_text(
    "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in Q), encoding="utf-8")

# -- a second set in the same two kinds, written once the answer checks were set, and run once
Q.clear()
near("Combien de paramètres compte le modèle BERT ?", ["34", "milliards"])
near("Combien de langages de programmation Stable Diffusion prend-il en charge ?", ["116"])
near("Sur combien de téraoctets de données Llama 2 a-t-il été entraîné ?", ["3 à 4"])
near("Combien de personnes ont signé la lettre ouverte de Mozilla ?", ["20 000"])
near("Combien d'entreprises sont membres de l'AI Alliance ?", ["deux", "2"])
near("Combien de modèles Mistral AI a-t-elle publiés ?", ["8B", "2B", "116"])
near("Combien d'utilisateurs compte Hugging Face ?", ["milliers", "20 000"])
near("Quel est le budget d'IBM pour la recherche en IA ?", ["milliards"])
near("Qui est le PDG de Meta ?", ["Amit Sangani"])
near("Qui est le directeur technologique de Mistral AI ?", ["Jingren Zhou"])
near("Qui dirige la publication IBM Think ?", ["Dave Bergmann"])
near("Qui est le ministre français de la Culture ?", ["Jean-Noël Barrot"])
near("Qui préside la société Perplexity ?", ["News Corp"])
near("Quel est le nom du directeur de la communauté de Mozilla ?", ["Dave Nielsen"])
near("En quelle année Mozilla a-t-elle publié sa lettre ouverte ?", ["2000"])
near("En quelle année PyTorch a-t-il été publié ?", ["2000"])
near("En quelle année Marc Andreessen a-t-il pris position sur l'open source ?", ["2000"])
near("En quelle année News Corp a-t-il attaqué Perplexity en justice ?", ["2000"])
near("Sous quelle licence Stable Diffusion est-il publié ?", ["Apache"])
near("Où est basée la société Anthropic ?", ["Paris"])
near("Où se trouve le siège de Meta ?", ["Paris"])
near("Sur quels jeux de données Stable Diffusion a-t-il été entraîné ?", ["GitHub Code Clean", "StarCoder"])
near("Quelle entreprise a développé TensorFlow ?", ["Google", "OpenAI"])
near("Who is the CEO of Mistral AI?", ["Jingren Zhou", "Dave Nielsen"])
near("How many employees does IBM have?", ["20 000"])
par("Quelle ville accueillera la prochaine rencontre mondiale sur la sûreté de l'IA ?", [["Paris"]], D3,
    "prévu à Paris")
par("Quel ministre a mis en garde contre le rejet d'emblée de l'open source ?", [["Barrot"]], D3, "Jean-Noël Barrot")
par("Quelle organisation a diffusé une lettre avant le sommet britannique ?", [["Mozilla"]], D3,
    "Une lettre ouverte de Mozilla")
par("Quelle quantité de tokens a servi à l'apprentissage des modèles Granite ?", [["3 à 4"]], D2, "3 à 4 téraoctets")
par("Quelle licence permissive IBM a-t-il choisie pour Granite 3.0 ?", [["Apache"]], D2, "licence Apache 2.0")
par("Quel programme de recherche Kate Soule dirige-t-elle ?", [["Data and Model Factory"]], D2,
    "Data and Model Factory")
par("Quelle plateforme héberge, avec GitHub, des milliers de projets d'IA partagés ?", [["Hugging Face"]], D1,
    "GitHub et Hugging Face")
par("Quelle entreprise a permis aux petites organisations d'accéder à une IA avancée ?", [["Meta"]], D2,
    "La sortie par Meta de ses modèles Llama")
par("Quelle fonction Jingren Zhou occupe-t-il ?", [["directeur technologique", "Directeur technologique"]], D3,
    "Directeur technologique d'Alibaba Cloud")
par("Quels secteurs profitent des bibliothèques d'IA libres selon l'article d'IBM ?", [["santé", "finance", "éducation"]],
    D0, "la santé, la finance et l’éducation")
par("Quel générateur d'images n'est accessible que sous licence restrictive ?", [["DALL-E", "DALL"]], D1,
    "DALL-E, qui sont accessibles sous des licences restrictives")
par("What model family did Meta release as open source?", [["Llama"]], D2, "ses modèles Llama open source",
    kind="english")
Path(__file__).with_name("holdout_b.jsonl").write_text(
    "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in Q), encoding="utf-8")
