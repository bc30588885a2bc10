ALTER TABLE IF EXISTS src RESET ('changelog.mode')
