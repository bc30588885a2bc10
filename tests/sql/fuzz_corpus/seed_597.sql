CREATE FUNCTION with_jar AS 'com.example.F' USING JAR 'file:///tmp/a.jar', JAR 'file:///tmp/b.jar'
