# The Django Dockerfile that many tutorials show, kept only so that
# `invoke bench` can measure django_app/Dockerfile against it. Do not copy
# it: it copies the code before installing the dependencies (so every code
# edit reinstalls them), keeps the compilers in the image, runs as root, and
# serves Django's development server on every interface.
ARG NAIVE_PYTHON_IMAGE=python:3.13
FROM ${NAIVE_PYTHON_IMAGE}
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y gcc pkg-config libmariadb-dev
RUN pip install -r requirements.txt
EXPOSE 8000
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
