package io.conduitscale.profile;

import io.conduitscale.platform.security.CurrentUser;
import io.conduitscale.platform.web.ApiException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ProfileController {

    private final Profiles profiles;
    private final FollowService follows;

    ProfileController(Profiles profiles, FollowService follows) {
        this.profiles = profiles;
        this.follows = follows;
    }

    @GetMapping("/api/profiles/{username}")
    Profile.Envelope get(@PathVariable String username) {
        return new Profile.Envelope(profiles.byUsername(username, CurrentUser.id().orElse(null))
                .orElseThrow(() -> ApiException.notFound("profile"))
                .profile());
    }

    @PostMapping("/api/profiles/{username}/follow")
    Profile.Envelope follow(@PathVariable String username) {
        return new Profile.Envelope(follows.follow(CurrentUser.requireId(), username));
    }

    @DeleteMapping("/api/profiles/{username}/follow")
    Profile.Envelope unfollow(@PathVariable String username) {
        return new Profile.Envelope(follows.unfollow(CurrentUser.requireId(), username));
    }
}
