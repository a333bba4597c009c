"""The investor follows their inquiry at ``/<lang>/my-inquiry/<token>``: a private link from the
acknowledgement e-mail, what an investor may see of their lead, and a way to add to it."""
