# Models arrive with their issue (see DESIGN.md); the app is installed so migrations have a home.
