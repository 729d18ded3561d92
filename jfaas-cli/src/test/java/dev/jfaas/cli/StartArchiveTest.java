package dev.jfaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up archive a Java function is built with, and the one the template's java.sh starts it from. */
class StartArchiveTest {

    @TempDir
    Path dir;

    static final int JDK = Runtime.version().feature();

    @Test
    void aTrainingRunMakesTheArchiveThisJdkStartsFromAndRemovesAnEarlierBuildsOther() throws Exception {
        function();
        Files.writeString(dir.resolve(JDK >= 25 ? StartArchive.CDS : StartArchive.AOT), "an earlier build's");
        var said = make();
        var made = JDK >= 25 ? StartArchive.AOT : StartArchive.CDS;
        var other = JDK >= 25 ? StartArchive.CDS : StartArchive.AOT;
        assertThat(dir.resolve(made)).as(said).isNotEmptyFile();
        assertThat(dir.resolve(other)).doesNotExist();
        assertThat(said).contains(made);
    }

    @Test
    void theTemplatesJavaShStartsFromTheArchiveThatIsThere() throws Exception {
        function();
        make();
        Files.copy(StartArchiveTest.class.getResourceAsStream("templates/java/java.sh"), dir.resolve("java.sh"));
        var flags = run("sh", "java.sh", "-XX:+PrintFlagsFinal", "-version");
        if (JDK >= 25) {
            assertThat(flags).containsPattern("AOTCache\\s+= target/app.aot");
        } else {
            assertThat(flags).containsPattern("SharedArchiveFile\\s+= target/app.jsa");
        }
        Files.delete(dir.resolve(JDK >= 25 ? StartArchive.AOT : StartArchive.CDS));
        var without = run("sh", "java.sh", "-XX:+PrintFlagsFinal", "-version");
        assertThat(without).doesNotContainPattern("AOTCache\\s+= target").doesNotContainPattern("SharedArchiveFile\\s+= target");
    }

    @Test
    void aFunctionThatCannotTrainIsBuiltWithoutAnArchiveAndSaysSo() throws Exception {
        Files.createDirectories(dir.resolve("target"));
        Files.writeString(dir.resolve("target/function.jar"), "not a jar");
        var said = make();
        assertThat(said).contains("no start-up archive");
        assertThat(dir.resolve(StartArchive.AOT)).doesNotExist();
        assertThat(dir.resolve(StartArchive.CDS)).doesNotExist();
    }

    private String make() throws IOException {
        var text = new StringWriter();
        try (var out = new PrintWriter(text)) {
            StartArchive.make(new StackFile.Function("fn", "java", dir), dir, out);
        }
        return text.toString();
    }

    private String run(String... command) throws Exception {
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        var process = builder.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    /** target/function.jar: a function whose training run only starts and ends, as the SDK's does. */
    private void function() throws Exception {
        var source = dir.resolve("src/Main.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                public class Main {
                    public static void main(String[] args) {
                        if (!"1".equals(System.getenv("JFAAS_TRAIN"))) throw new IllegalStateException("not a training run");
                        new java.util.concurrent.ConcurrentHashMap<String, String>().put("loaded", "classes");
                    }
                }
                """);
        var classes = dir.resolve("classes");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), source.toString())).isZero();
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Main");
        Files.createDirectories(dir.resolve("target"));
        try (var jar = new JarOutputStream(Files.newOutputStream(dir.resolve("target/function.jar")), manifest)) {
            jar.putNextEntry(new JarEntry("Main.class"));
            jar.write(Files.readAllBytes(classes.resolve("Main.class")));
            jar.closeEntry();
        }
    }
}
