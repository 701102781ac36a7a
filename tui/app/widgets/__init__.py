"""The app's widgets. Line-API widgets render only what is on screen."""
