"""Lexicons for the person-name guard (accent-free, lower case).

FIRST_NAMES: common first names given in France over the last eighty years (written from the
most frequent names of INSEE's "fichier des prénoms", open data, Licence Ouverte), used as
positive evidence that a value in an ambiguous column ("nomBeneficiaire") names a person.
ORG_WORDS: words that say a value names an organisation, a place or a thing, not a person.
NOT_NAMES: placeholders found in name columns that are not names.
"""

from __future__ import annotations

FIRST_NAMES = frozenset(
    """
    aaron abdel abdelkader abdellah adam adele adrien agathe agnes ahmed aicha aida alain alais alan albert
    alexandra alexandre alexia alexis alfred alice aline alix alize amandine amaury ambre amelie amina amine
    amir anais andre andrea andree angele angelique anna anne annette annick annie anthony antoine antonin
    apolline ariane arlette armand arnaud arthur astrid aubin audrey augustin aurelie aurelien aurore axel
    axelle aya baptiste barbara basile bastien beatrice benedicte benjamin benoit bernadette bernard berthe
    bertrand blanche brigitte bruno camille capucine carine carla carole caroline catherine cecile celestin
    celia celine chantal charles charlotte chloe christelle christian christiane christine christophe claire
    clara clarisse claude claudette claudine clemence clement clementine cloe colette colin coline come
    corentin corinne cyril cyrille damien daniel daniele danielle david delphine denis denise diane didier
    dominique dylan edith edouard eleonore elia eliane elias elie eliott elisa elisabeth elise ella elodie
    eloise elsa emile emilie emilien emma emmanuel emmanuelle emy enzo eric erwan esteban estelle ethan
    etienne eugenie eva evan eve evelyne fabien fabienne fabrice farid fatima fatoumata felix fernand fernande
    flavie florence florent florian francine francis franck francois francoise frederic frederique gabin
    gabriel gabrielle gael gaelle gaetan gaspard genevieve georges georgette gerald geraldine gerard germain
    germaine gilbert gilberte gilles ginette gisele gregoire gregory guillaume guy guylaine gwenael gwendoline
    hamza hanna hassan hector helene henri henriette herve hugo hugues ibrahim ilyes ines irene isabelle
    jacqueline jacques jade jean jeanne jeannine jeremie jeremy jerome joel joelle johan jonathan jordan
    joseph josette josiane jules julia julie julien juliette justine karim karine katia kevin khadija laetitia
    lana laura laure laurence laurent lea leana leandre leo leon leonie leontine liam lilou lina line lionel
    lisa loic lola lorenzo louane louis louisa louise luc luca lucas lucie lucien lucienne ludovic lydie
    madeleine mael maelle maelys magali malik manon marc marcel marcelle margaux margot marguerite maria
    marianne marie marine marion marius marthe martial martin martine maryse mateo matheo mathias mathieu
    mathilde matteo matthieu maurice maxence maxime mehdi melanie melissa michel michele micheline mickael
    mila milo mireille mohamed mohammed monique morgan morgane muriel myriam nadia nadine naim natacha
    nathalie nathan nicolas nicole nina noa noah noe noel noemie nolan norbert oceane odette odile olivia
    olivier oscar pascal pascale patrice patricia patrick paul paule pauline perrine philippe pierre pierrette
    quentin rachel rachid raphael raphaelle raymond raymonde regine regis remi rene renee robert roger roland
    romain romane rosalie rose roxane ryan sabine sacha salome samir samuel sandra sandrine sara sarah serge
    severine simon simone sofia sofiane solange solene sonia sophie stephane stephanie suzanne sylvain sylvie
    tatiana theo theophile therese thibault thibaut thierry thomas timeo timothee tiphaine tom tristan
    valentin valentine valerie vanessa veronique victoire victor victoria vincent violette virginie viviane
    vivien xavier yann yannick yasmine yassine yves yvette yvonne zoe
    """.split()  # noqa: SIM905 - a word list reads better as text
)

ORG_WORDS = frozenset(
    """
    aap abbaye academie agence agglomeration allee amicale amis anciens and arret asso assoc association
    associations assurance assurances atelier au aux avenue banque bar basket batiment bd bibliotheque bloc
    boulangerie boulevard boutique bureau cabinet caf cafe caisse ccas centre cercle chapelle chateau chemin
    chorale cias cie cinema cite clinique club collectif college comite communal communale communaute commune
    communes compagnie conseil cooperative cpam credit crous culture culturel culturelle cyclo danse
    departement departemental departementale des direction domaine earl ecole edf eglise ehpad eleves en
    ensemble entreprise entreprises equipe et etablissement etablissements etat ets eurl federation ferme
    festival fete fils fondation football foyer france freres gaec garage gare gdf gie gip gmbh golf group
    groupe groupement gymnase gymnastique hameau handball harmonie holding hopital hotel immeuble immobilier
    impasse inc institut intercommunal intercommunale jardin jeunes jeunesse judo les lieu lieudit ligne
    loisirs lot lotissement ltd lycee mairie maison manoir mediatheque metropole ministere moulin municipal
    municipale musee musique mutuelle natation national nationale nautique of office olympique ong orchestre
    parc parcelle parents parking paroisse pharmacie piscine place pont pour prefecture public publique quai
    quartier ratp region regional regionale republique reseau residence restaurant route rue rugby sa saint
    sainte salle sarl sas sasu sci scm scop scp sdis secteur service services sictom site sivom sivu smictom
    sncf societe sport sportif sportifs sportive sports square st stade station ste sur syndicat team tennis
    the theatre tour transport transports troupe union universite urssaf velo village ville volley za zac zi
    zone
    """.split()  # noqa: SIM905 - a word list reads better as text
)

NOT_NAMES = frozenset(
    """
    a anonyme anonymise anonymisee attente aucun aucune autre autres beneficiaire beneficiaires communique
    communiquee completer confidentiel confidentielle cours de divers dossier en idem inconnu inconnue masque
    masquee morale na nc nd neant non none nr null objet oui particulier particuliers personne physique
    preciser renseigne renseignee renseigner sans test total vide voir x xx xxx
    """.split()  # noqa: SIM905 - a word list reads better as text
)

CIVILITIES = frozenset(
    """
    docteur dr dr. m m. madame mademoiselle maitre me me. mlle mlle. mme mme. monsieur mr mr.
    """.split()  # noqa: SIM905 - a word list reads better as text
)
