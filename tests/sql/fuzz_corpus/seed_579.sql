ALTER TABLE src DROP amount
