from flask import Blueprint

bp = Blueprint("volunteer", __name__, url_prefix="/volunteer")
