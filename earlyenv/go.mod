module atelier.app/earlyenv

go 1.26.8
