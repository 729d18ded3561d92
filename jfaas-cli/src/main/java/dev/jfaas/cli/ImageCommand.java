package dev.jfaas.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "image", mixinStandardHelpOptions = true, description = "Manage the gateway's image store (OCI images functions run from).",
        subcommands = {ImageCommand.Import.class, ImageCommand.Pull.class, ImageCommand.ListImages.class, ImageCommand.Remove.class})
final class ImageCommand {

    static String query(String name) {
        return "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import an oci-archive or a docker save tarball (e.g. docker save IMAGE > fn.tar).")
    static final class Import extends ClientCommand {
        @Parameters(paramLabel = "FILE", description = "an oci-archive or a docker save tarball") Path file;
        @Option(names = "--name", description = "the name to store it under (default: the one the archive gives)") String name;

        @Override
        int run() throws IOException {
            if (!Files.isReadable(file)) {
                throw new CliError("cannot read " + file);
            }
            var body = client().upload("/system/images" + (name == null ? "" : query(name)), file);
            if (json) {
                out().println(body);
            } else {
                var image = parse(body);
                out().println("imported " + image.path("name").asText() + " (" + image.path("digest").asText() + ")");
            }
            return 0;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true, description = "Pull an image from a registry into the store.")
    static final class Pull extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "the image, as Docker names it") String name;

        @Override
        int run() throws IOException {
            var body = client().expect("POST", "/system/images/pull" + query(name), null);
            out().println(json ? body : "pulled " + parse(body).path("name").asText() + " (" + parse(body).path("digest").asText() + ")");
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the images in the store.")
    static final class ListImages extends ClientCommand {
        @Override
        int run() throws IOException {
            var body = client().expect("GET", "/system/images", null);
            if (json) {
                out().println(body);
                return 0;
            }
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("Name", "Digest", "Used"));
            parse(body).forEach(i -> rows.add(List.of(i.path("name").asText(), i.path("digest").asText().substring(0, 19),
                    i.path("inUse").asBoolean() ? "yes" : "no")));
            table(rows);
            return 0;
        }
    }

    @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true, description = "Remove an image no function runs from.")
    static final class Remove extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "the image, as Docker names it") String name;

        @Override
        int run() throws IOException {
            client().expect("DELETE", "/system/images" + query(name), null);
            out().println("removed " + name);
            return 0;
        }
    }
}
