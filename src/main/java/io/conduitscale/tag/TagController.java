package io.conduitscale.tag;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TagController {

    private final Tags tags;

    TagController(Tags tags) {
        this.tags = tags;
    }

    @GetMapping("/api/tags")
    TagList all() {
        return new TagList(tags.popular());
    }

    record TagList(List<String> tags) {}
}
