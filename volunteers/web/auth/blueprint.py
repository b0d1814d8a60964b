from flask import Blueprint, redirect, url_for
from flask_login import current_user

from ...permissions import home_endpoint

bp = Blueprint("auth", __name__)


def go_home():
    """To the signed-in user's start page (or the login)."""
    return redirect(url_for(home_endpoint(current_user)))
