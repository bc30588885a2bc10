SELECT id, word FROM src LEFT JOIN LATERAL TABLE(split_words(name)) AS T(word, len) ON TRUE
