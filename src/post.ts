// Entry of dist/post.js: revoke the token minted in main. Kept tiny: it runs in every job.
export {}
